import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { ErrorCode, observationId, type StoredObservation } from '@stadtdaten/contracts';
import { SqliteTimeSeriesStore } from '@stadtdaten/timeseries';

import {
  COUNT_DATASTREAM,
  COUNT_TENANT,
  SELECT_LATEST,
  SELECT_RANGE_ASC,
  SELECT_RANGE_DESC,
  selectAggregate,
} from '../src/sqlite-time-series.sql';
import { runTimeSeriesStoreContract } from './time-series-store.contract';

const contractDir = mkdtempSync(join(tmpdir(), 'sqlite-time-series-contract-'));

runTimeSeriesStoreContract(
  SqliteTimeSeriesStore.name,
  async () => {
    const store = new SqliteTimeSeriesStore({ path: join(contractDir, 'series.db') });
    await store.connect();

    return store;
  },
  async () => rmSync(contractDir, { recursive: true, force: true }),
);

function makeObservation(overrides: Partial<StoredObservation> = {}): StoredObservation {
  const tenant = overrides.tenant ?? 'darmstadt';
  const datastreamId = overrides.datastreamId ?? 'ds-1';
  const phenomenonTimeMs = overrides.phenomenonTimeMs ?? 1_735_689_600_000;

  return {
    id: observationId(tenant, datastreamId, phenomenonTimeMs),
    tenant,
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs,
    result: 1,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
    ...overrides,
  };
}

describe(SqliteTimeSeriesStore.name, () => {
  let dir: string;
  let sut: SqliteTimeSeriesStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-time-series-'));
    sut = new SqliteTimeSeriesStore({ path: join(dir, 'series.db') });
    await sut.connect();
  });

  afterEach(async () => {
    await sut.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('query plans', () => {
    const range = { tenant: 't', datastreamId: 'd', fromMs: 0, toMs: 1 };
    const cases: Array<[name: string, sql: string, parameters: unknown]> = [
      ['range ascending', SELECT_RANGE_ASC, { ...range, limit: 10 }],
      ['range descending', SELECT_RANGE_DESC, { ...range, limit: 10 }],
      ['aggregate', selectAggregate('last'), { ...range, intervalMs: 60_000 }],
      ['latest', SELECT_LATEST, { tenant: 't', datastreamIds: '["a","b"]' }],
      ['count per tenant', COUNT_TENANT, ['t']],
      ['count per datastream', COUNT_DATASTREAM, ['t', 'd']],
    ];

    it.each(cases)('%s reads the primary key', (_name, sql, parameters) => {
      const db = new Database(join(dir, 'series.db'), { readonly: true });
      const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
      const details = (
        Array.isArray(parameters) ? statement.all(...parameters) : statement.all(parameters)
      ) as Array<{
        detail: string;
      }>;
      db.close();

      const observationSteps = details
        .map((row) => row.detail)
        .filter((detail) => /observations| o | m /.test(`${detail} `));
      expect(observationSteps.length).toBeGreaterThan(0);
      observationSteps.forEach((detail) =>
        expect(detail).toMatch(/^SEARCH \w+ USING PRIMARY KEY \(tenant=\?/),
      );
    });

    it('latest looks up each datastream by key', () => {
      const db = new Database(join(dir, 'series.db'), { readonly: true });
      const details = db
        .prepare(`EXPLAIN QUERY PLAN ${SELECT_LATEST}`)
        .all({ tenant: 't', datastreamIds: '["a"]' }) as Array<{ detail: string }>;
      db.close();

      expect(details.map((row) => row.detail)).toContain(
        'SEARCH o USING PRIMARY KEY (tenant=? AND datastream_id=? AND phenomenon_time_ms=?)',
      );
    });
  });

  describe('write', () => {
    it('rejects a result that is not finite', async () => {
      await expect(
        sut.write([makeObservation(), makeObservation({ result: Number.NaN })]),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('observation 1'),
      });
      expect(await sut.count('darmstadt')).toBe(0);
    });

    it('replaces a row with the same key and another id', async () => {
      await sut.write([makeObservation({ result: 1 })]);
      await sut.write([makeObservation({ id: 'other-id', result: 2 })]);

      const read = await sut.query({
        tenant: 'darmstadt',
        datastreamId: 'ds-1',
        fromMs: 0,
        toMs: 2_000_000_000_000,
      });

      expect(read.map((observation) => [observation.id, observation.result])).toEqual([['other-id', 2]]);
    });

    it('rejects calls before connect', async () => {
      const unconnected = new SqliteTimeSeriesStore({ path: join(dir, 'other.db') });

      await expect(unconnected.write([makeObservation()])).rejects.toMatchObject({
        code: ErrorCode.UNAVAILABLE,
      });
    });
  });

  describe('aggregate', () => {
    it('aligns buckets before 1970 to epoch multiples', async () => {
      const hourMs = 3_600_000;
      await sut.write([
        makeObservation({ phenomenonTimeMs: -hourMs - 1, result: 5 }),
        makeObservation({ phenomenonTimeMs: -1, result: 7 }),
      ]);

      const points = await sut.aggregate({
        tenant: 'darmstadt',
        datastreamId: 'ds-1',
        fromMs: -3 * hourMs,
        toMs: 0,
        aggregate: 'sum',
        intervalMs: hourMs,
      });

      expect(points).toEqual([
        { bucketStartMs: -2 * hourMs, value: 5, count: 1 },
        { bucketStartMs: -hourMs, value: 7, count: 1 },
      ]);
    });

    it('rejects an unknown aggregate', async () => {
      const query = {
        tenant: 'darmstadt',
        datastreamId: 'ds-1',
        fromMs: 0,
        toMs: 1,
        aggregate: 'median',
        intervalMs: 60_000,
      };

      await expect(sut.aggregate(query as never)).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('"median"'),
      });
    });
  });
});
