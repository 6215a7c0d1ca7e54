import { ErrorCode } from '@stadtdaten/contracts';
import { type InfluxObservation, InfluxTimeSeriesStore, tenantDatabase } from '@stadtdaten/timeseries';

import {
  BASE_MS,
  dropRunDatabases,
  HOUR_MS,
  influxUrl,
  makeObservation,
  makeStore,
  MINUTE_MS,
  RUN_PREFIX,
  rawQuery,
  SKIP_REASON,
} from './influx-test-helpers';

const PREFIX = `${RUN_PREFIX}_retention`;

/** Start of the hour one day ago: points must be younger than the retention policies they go to. */
const RECENT_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 24 * HOUR_MS;

function body(): void {
  let sut: InfluxTimeSeriesStore;

  beforeEach(async () => {
    sut = makeStore('retention');
    await sut.connect();
  });

  afterEach(async () => {
    await sut.close();
  });

  afterAll(async () => {
    await dropRunDatabases('retention');
  });

  async function durationOf(database: string, policy: string): Promise<string | undefined> {
    const rows = await rawQuery(`SHOW RETENTION POLICIES ON "${database}"`);

    return rows.find((row) => row[0] === policy)?.[1] as string | undefined;
  }

  function recent(
    tenant: string,
    datastreamId: string,
    minute: number,
    result: number,
    retentionDays?: number,
  ): InfluxObservation {
    return {
      ...makeObservation({ tenant, datastreamId, phenomenonTimeMs: RECENT_MS + minute * MINUTE_MS, result }),
      retentionDays,
    };
  }

  describe('applyRetention', () => {
    it('creates and restores the policy', async () => {
      const database = tenantDatabase(PREFIX, 'darmstadt', 'de');

      expect(await sut.applyRetention('darmstadt', 'de', 30)).toBe('rp_30d');
      expect(await durationOf(database, 'rp_30d')).toBe('720h0m0s');

      await rawQuery(`ALTER RETENTION POLICY "rp_30d" ON "${database}" DURATION 2d`);
      await sut.applyRetention('darmstadt', 'de', 30);

      expect(await durationOf(database, 'rp_30d')).toBe('720h0m0s');
      expect(await durationOf(database, 'autogen')).toBe('0s');
    });

    it('rejects invalid days', async () => {
      await expect(sut.applyRetention('darmstadt', 'de', 0)).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('invalid retention 0 days'),
      });
    });
  });

  describe('write with retentionDays', () => {
    it('writes into the policy of the retention', async () => {
      await sut.write([
        recent('routed', 'ds-a', 0, 1, 30),
        recent('routed', 'ds-a', 1, 2, 30),
        recent('routed', 'ds-a', 2, 3),
      ]);

      const database = tenantDatabase(PREFIX, 'routed', 'onprem-darz');
      expect(await durationOf(database, 'rp_30d')).toBe('720h0m0s');
      expect(await rawQuery(`SELECT COUNT("id") FROM "${database}"."rp_30d"."observations"`)).toEqual([
        [0, 2],
      ]);
      expect(await rawQuery(`SELECT COUNT("id") FROM "${database}"."autogen"."observations"`)).toEqual([
        [0, 1],
      ]);
    });

    it('reads across policies', async () => {
      const tenant = 'across';
      await sut.write([
        recent(tenant, 'ds-a', 0, 1, 30),
        recent(tenant, 'ds-a', 1, 2, 365),
        recent(tenant, 'ds-a', 2, 6),
      ]);
      const range = { tenant, datastreamId: 'ds-a', fromMs: RECENT_MS, toMs: RECENT_MS + HOUR_MS };

      const read = await sut.query(range);
      const latest = await sut.latest(tenant, ['ds-a']);
      const mean = await sut.aggregate({ ...range, aggregate: 'mean', intervalMs: HOUR_MS });

      expect(read.map((observation) => observation.result)).toEqual([1, 2, 6]);
      expect(
        (await sut.query({ ...range, order: 'desc', limit: 2 })).map((observation) => observation.result),
      ).toEqual([6, 2]);
      expect(await sut.count(tenant, 'ds-a')).toBe(3);
      expect(latest.get('ds-a')?.result).toBe(6);
      expect(mean).toEqual([{ bucketStartMs: RECENT_MS, value: 3, count: 3 }]);
    });

    it.each([
      ['the default policy', [0, 30], [1, undefined], 5],
      ['a retention policy', [1, 30], [0, undefined], 7],
    ] as const)('takes last from %s', async (_name, [minuteA, daysA], [minuteB, daysB], expected) => {
      const tenant = `last-${minuteA}`;
      const values = new Map([
        [minuteA, 7],
        [minuteB, 5],
      ]);
      await sut.write([
        recent(tenant, 'ds-a', minuteA, values.get(minuteA) as number, daysA),
        recent(tenant, 'ds-a', minuteB, values.get(minuteB) as number, daysB),
      ]);

      const points = await sut.aggregate({
        tenant,
        datastreamId: 'ds-a',
        fromMs: RECENT_MS,
        toMs: RECENT_MS + HOUR_MS,
        aggregate: 'last',
        intervalMs: HOUR_MS,
      });

      expect(points).toEqual([{ bucketStartMs: RECENT_MS, value: expected, count: 2 }]);
    });

    it('drops points older than the retention', async () => {
      await sut.write([
        { ...makeObservation({ tenant: 'expired', phenomenonTimeMs: BASE_MS }), retentionDays: 1 },
      ]);

      expect(await sut.count('expired')).toBe(0);
    });

    it('rejects invalid retentionDays', async () => {
      await expect(
        sut.write([{ ...makeObservation({ tenant: 'x' }), retentionDays: 1.5 }]),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('retentionDays 1.5'),
      });
    });
  });

  describe('storage profiles', () => {
    it('merges the databases of one tenant', async () => {
      const tenant = 'profiles';
      await sut.write([
        makeObservation({ tenant, phenomenonTimeMs: BASE_MS, result: 1, storageProfile: 'de' }),
        makeObservation({ tenant, phenomenonTimeMs: BASE_MS + 1, result: 2, storageProfile: 'eu' }),
        makeObservation({ tenant, phenomenonTimeMs: BASE_MS + 2, result: 3, storageProfile: 'de' }),
        makeObservation({ tenant, phenomenonTimeMs: BASE_MS + 3, result: 4, storageProfile: 'eu' }),
      ]);
      const range = { tenant, datastreamId: 'ds-1', fromMs: BASE_MS, toMs: BASE_MS + HOUR_MS };

      const read = await sut.query({ ...range, order: 'desc', limit: 3 });
      const sum = await sut.aggregate({ ...range, aggregate: 'sum', intervalMs: HOUR_MS });

      expect(read.map((observation) => [observation.result, observation.storageProfile])).toEqual([
        [4, 'eu'],
        [3, 'de'],
        [2, 'eu'],
      ]);
      expect(sum).toEqual([{ bucketStartMs: BASE_MS, value: 10, count: 4 }]);
      expect(await sut.count(tenant)).toBe(4);
      expect((await sut.latest(tenant, ['ds-1'])).get('ds-1')?.storageProfile).toBe('eu');
    });

    it('keeps profiles as tags in the single layout', async () => {
      const single = makeStore('retention', { databaseLayout: 'single', database: `${PREFIX}_single` });
      await single.connect();
      const tenant = 'profiles';
      await single.write([
        makeObservation({ tenant, phenomenonTimeMs: BASE_MS, result: 1, storageProfile: 'de' }),
        makeObservation({ tenant, phenomenonTimeMs: BASE_MS + 1, result: 2, storageProfile: 'eu' }),
      ]);

      const read = await single.query({ tenant, datastreamId: 'ds-1', fromMs: BASE_MS, toMs: BASE_MS + 2 });
      await single.close();

      expect(read.map((observation) => [observation.result, observation.storageProfile])).toEqual([
        [1, 'de'],
        [2, 'eu'],
      ]);
    });
  });
}

if (influxUrl === '') {
  describe.skip(`${InfluxTimeSeriesStore.name} retention: ${SKIP_REASON}`, body);
} else {
  describe(`${InfluxTimeSeriesStore.name} retention and sources`, body);
}
