import {
  MAX_INFLUX_TIME_MS,
  MIN_INFLUX_TIME_MS,
  quoteIdentifier,
  quoteString,
  selectAggregate,
  selectLatest,
  selectRange,
  timeLiteral,
} from './influxql';

const source = { database: 'stadtdaten_darmstadt__de', retentionPolicy: 'autogen' };

describe('influxql', () => {
  describe('quoting', () => {
    it.each([
      ["it's", "'it\\'s'"],
      ['back\\slash', "'back\\\\slash'"],
      ['trailing\\', "'trailing\\\\'"],
      ['line\nbreak', "'line\\nbreak'"],
      ["'; DROP DATABASE x; --", "'\\'; DROP DATABASE x; --'"],
      ['"double"', '\'"double"\''],
    ])('quotes string %j', (value, quoted) => {
      expect(quoteString(value)).toBe(quoted);
    });

    it.each([
      ['plain', '"plain"'],
      ['say "x"', '"say \\"x\\""'],
      ['a\\b', '"a\\\\b"'],
      ["it's", '"it\'s"'],
    ])('quotes identifier %j', (value, quoted) => {
      expect(quoteIdentifier(value)).toBe(quoted);
    });
  });

  describe('timeLiteral', () => {
    it('formats RFC 3339 with milliseconds', () => {
      expect(timeLiteral(1_735_689_600_123)).toBe("'2025-01-01T00:00:00.123Z'");
    });

    it('clamps to the stored range', () => {
      expect(timeLiteral(-8.64e15)).toBe(timeLiteral(MIN_INFLUX_TIME_MS));
      expect(timeLiteral(8.64e15)).toBe(timeLiteral(MAX_INFLUX_TIME_MS));
      expect(timeLiteral(MIN_INFLUX_TIME_MS)).toBe("'1677-09-21T00:12:43.146Z'");
    });
  });

  describe('statements', () => {
    it('selects a range with tenant, order and limit', () => {
      const statement = selectRange(
        source,
        { tenant: 'x', datastreamIds: ['ds-1'] },
        {
          fromMs: 0,
          toMs: 60_000,
          order: 'desc',
          limit: 3,
        },
      );

      expect(statement).toContain('FROM "stadtdaten_darmstadt__de"."autogen"."observations"');
      expect(statement).toContain(
        `WHERE "tenant" = 'x' AND "datastream" = 'ds-1' AND time >= '1970-01-01T00:00:00.000Z' AND time < '1970-01-01T00:01:00.000Z' ORDER BY time DESC LIMIT 3`,
      );
    });

    it('compares hostile ids in their stored form', () => {
      const statement = selectLatest(source, { datastreamIds: ["a'b", 'c\\d\ne'] });

      expect(statement).toContain(`("datastream" = 'a\\'b' OR "datastream" = 'c%5Cd%0Ae')`);
      expect(statement).not.toMatch(/\n/);
    });

    it('groups aggregates by epoch-aligned time', () => {
      const statement = selectAggregate(
        source,
        { datastreamIds: ['ds'] },
        {
          fromMs: 0,
          toMs: 1,
          aggregate: 'mean',
          intervalMs: 900_000,
        },
      );

      expect(statement).toMatch(/^SELECT SUM\("value"\) AS "value", COUNT\("value"\) AS "count" FROM/);
      expect(statement).toMatch(/GROUP BY time\(900000ms\) fill\(none\)$/);
    });
  });
});
