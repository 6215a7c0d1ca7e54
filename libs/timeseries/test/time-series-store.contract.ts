import {
  type Aggregate,
  AGGREGATES,
  ErrorCode,
  observationId,
  type StoredObservation,
} from '@stadtdaten/contracts';
import type { TimeSeriesStore } from '@stadtdaten/timeseries';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** 2025-01-01T00:00:00Z, a multiple of one day. */
const BASE_MS = 1_735_689_600_000;

let tenantCounter = 0;

/** Returns a tenant id unique per test, so suites can share one store. */
function uniqueTenant(): string {
  tenantCounter += 1;

  return `contract-${Date.now().toString(36)}-${tenantCounter}`;
}

function makeObservation(
  overrides: Partial<StoredObservation> & Pick<StoredObservation, 'tenant'>,
): StoredObservation {
  const datastreamId = overrides.datastreamId ?? 'ds-1';
  const phenomenonTimeMs = overrides.phenomenonTimeMs ?? BASE_MS;

  return {
    id: observationId(overrides.tenant, datastreamId, phenomenonTimeMs),
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs + 1_000,
    receivedAtMs: phenomenonTimeMs + 2_000,
    result: 1,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
    ...overrides,
  };
}

/** Computes an aggregate of numbers in time order the way the port defines it. */
function expectedAggregate(aggregate: Aggregate, values: number[]): number {
  const sum = values.reduce((total, value) => total + value, 0);
  switch (aggregate) {
    case 'mean':
      return sum / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'sum':
      return sum;
    case 'count':
      return values.length;
    case 'last':
      return values[values.length - 1];
  }
}

/**
 * Contract of the TimeSeriesStore port. `makeSut` returns a connected store, and every call must
 * open the same underlying store, because one case reopens it. `cleanup` runs once after the
 * suite. Each case uses its own tenant.
 */
export function runTimeSeriesStoreContract(
  name: string,
  makeSut: () => Promise<TimeSeriesStore>,
  cleanup: () => Promise<void>,
): void {
  describe(`${name} (TimeSeriesStore contract)`, () => {
    const opened: TimeSeriesStore[] = [];
    let sut: TimeSeriesStore;

    async function open(): Promise<TimeSeriesStore> {
      const store = await makeSut();
      opened.push(store);

      return store;
    }

    beforeEach(async () => {
      sut = await open();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    afterAll(async () => {
      await cleanup();
    });

    describe('write and query', () => {
      it('returns every result type unchanged', async () => {
        const tenant = uniqueTenant();
        const results = [21.5, 7, 'open', true, { lat: 49.87, lon: 8.65 }, [1, 2, 3]];
        const written = results.map((result, index) =>
          makeObservation({
            tenant,
            phenomenonTimeMs: BASE_MS + index * MINUTE_MS,
            result,
            qualityFlags: index === 0 ? ['estimated'] : [],
          }),
        );
        await sut.write(written);

        const read = await sut.query({
          tenant,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + HOUR_MS,
        });

        expect(read).toEqual(written);
      });

      it('keeps observations across close and reopen', async () => {
        const tenant = uniqueTenant();
        const written = [makeObservation({ tenant, result: 3.25 })];
        await sut.write(written);
        await sut.close();

        const reopened = await open();
        const read = await reopened.query({
          tenant,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + 1,
        });

        expect(read).toEqual(written);
      });

      it('includes fromMs and excludes toMs', async () => {
        const tenant = uniqueTenant();
        const times = [BASE_MS - 1, BASE_MS, BASE_MS + 1, BASE_MS + MINUTE_MS - 1, BASE_MS + MINUTE_MS];
        await sut.write(times.map((phenomenonTimeMs) => makeObservation({ tenant, phenomenonTimeMs })));

        const read = await sut.query({
          tenant,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + MINUTE_MS,
        });

        expect(read.map((observation) => observation.phenomenonTimeMs)).toEqual([
          BASE_MS,
          BASE_MS + 1,
          BASE_MS + MINUTE_MS - 1,
        ]);
      });

      it('orders descending with a limit', async () => {
        const tenant = uniqueTenant();
        const times = Array.from({ length: 10 }, (_, index) => BASE_MS + index * MINUTE_MS);
        await sut.write(times.map((phenomenonTimeMs) => makeObservation({ tenant, phenomenonTimeMs })));

        const read = await sut.query({
          tenant,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + HOUR_MS,
          order: 'desc',
          limit: 3,
        });

        expect(read.map((observation) => observation.phenomenonTimeMs)).toEqual([
          times[9],
          times[8],
          times[7],
        ]);
      });

      it('replaces an observation with the same id', async () => {
        const tenant = uniqueTenant();
        const first = makeObservation({ tenant, result: 10 });
        await sut.write([first]);
        await sut.write([first]);
        await sut.write([{ ...first, result: 11, qualityFlags: ['corrected'] }]);

        const read = await sut.query({ tenant, datastreamId: 'ds-1', fromMs: BASE_MS, toMs: BASE_MS + 1 });

        expect(await sut.count(tenant)).toBe(1);
        expect(read).toEqual([{ ...first, result: 11, qualityFlags: ['corrected'] }]);
      });

      it('keeps tenants apart', async () => {
        const tenantA = uniqueTenant();
        const tenantB = uniqueTenant();
        await sut.write([
          makeObservation({ tenant: tenantA, result: 1 }),
          makeObservation({ tenant: tenantB, result: 2 }),
        ]);

        const readA = await sut.query({
          tenant: tenantA,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + 1,
        });

        expect(readA.map((observation) => observation.result)).toEqual([1]);
        expect(await sut.count(tenantA)).toBe(1);
        expect(await sut.count(tenantB)).toBe(1);
      });
    });

    describe('deleteRange', () => {
      it('deletes only the range of one datastream', async () => {
        const tenant = uniqueTenant();
        const times = [BASE_MS - MINUTE_MS, BASE_MS, BASE_MS + MINUTE_MS];
        await sut.write([
          ...times.map((phenomenonTimeMs) => makeObservation({ tenant, phenomenonTimeMs })),
          ...times.map((phenomenonTimeMs) => makeObservation({ tenant, datastreamId: 'ds-2', phenomenonTimeMs })),
        ]);

        await sut.deleteRange(tenant, 'ds-1', BASE_MS - MINUTE_MS, BASE_MS + 1);

        const range = { tenant, fromMs: BASE_MS - 2 * MINUTE_MS, toMs: BASE_MS + 2 * MINUTE_MS };
        const kept = await sut.query({ ...range, datastreamId: 'ds-1' });
        expect(kept.map((observation) => observation.phenomenonTimeMs)).toEqual([BASE_MS + MINUTE_MS]);
        expect(await sut.count(tenant, 'ds-2')).toBe(3);
      });
    });

    describe('aggregate', () => {
      // Values spread over three hours, with the second hour empty and a string result that every
      // aggregate ignores.
      const samples: Array<[offsetMs: number, result: number | string]> = [
        [0, 4],
        [5 * MINUTE_MS, 10.5],
        [17 * MINUTE_MS, 'sensor error'],
        [59 * MINUTE_MS + 59_999, -3],
        [2 * HOUR_MS, 7.25],
        [2 * HOUR_MS + 30 * MINUTE_MS, 1],
      ];

      async function writeSamples(tenant: string): Promise<void> {
        await sut.write(
          samples.map(([offsetMs, result]) =>
            makeObservation({ tenant, phenomenonTimeMs: BASE_MS + offsetMs, result }),
          ),
        );
      }

      it.each(AGGREGATES.map((aggregate) => [aggregate]))('computes %s per bucket', async (aggregate) => {
        const tenant = uniqueTenant();
        await writeSamples(tenant);
        const buckets = new Map<number, number[]>();
        for (const [offsetMs, result] of samples) {
          if (typeof result !== 'number') continue;
          const bucketStartMs = BASE_MS + Math.floor(offsetMs / HOUR_MS) * HOUR_MS;
          buckets.set(bucketStartMs, [...(buckets.get(bucketStartMs) ?? []), result]);
        }

        const points = await sut.aggregate({
          tenant,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + 3 * HOUR_MS,
          aggregate,
          intervalMs: HOUR_MS,
        });

        expect(points.map((point) => point.bucketStartMs)).toEqual([...buckets.keys()]);
        points.forEach((point) => {
          const values = buckets.get(point.bucketStartMs) as number[];
          expect(point.count).toBe(values.length);
          expect(point.value).toBeCloseTo(expectedAggregate(aggregate, values), 9);
        });
      });

      it('leaves out empty buckets', async () => {
        const tenant = uniqueTenant();
        await writeSamples(tenant);

        const points = await sut.aggregate({
          tenant,
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + 3 * HOUR_MS,
          aggregate: 'count',
          intervalMs: HOUR_MS,
        });

        expect(points.map((point) => point.bucketStartMs)).toEqual([BASE_MS, BASE_MS + 2 * HOUR_MS]);
      });

      it('aligns buckets to UTC epoch multiples', async () => {
        const tenant = uniqueTenant();
        const intervalMs = 15 * MINUTE_MS;
        const firstMs = BASE_MS + 7 * MINUTE_MS + 123;
        await sut.write(
          [0, 10, 20, 30].map((minutes) =>
            makeObservation({ tenant, phenomenonTimeMs: firstMs + minutes * MINUTE_MS }),
          ),
        );

        const points = await sut.aggregate({
          tenant,
          datastreamId: 'ds-1',
          fromMs: firstMs,
          toMs: firstMs + HOUR_MS,
          aggregate: 'count',
          intervalMs,
        });

        expect(points.map((point) => point.bucketStartMs)).toEqual([
          BASE_MS,
          BASE_MS + intervalMs,
          BASE_MS + 2 * intervalMs,
        ]);
        expect(points.map((point) => point.count)).toEqual([1, 2, 1]);
      });

      it.each([[59_999], [86_400_001], [90_000.5]])('rejects intervalMs %d', async (intervalMs) => {
        const query = {
          tenant: 'any',
          datastreamId: 'ds-1',
          fromMs: BASE_MS,
          toMs: BASE_MS + HOUR_MS,
          aggregate: 'mean' as const,
          intervalMs,
        };

        await expect(sut.aggregate(query)).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
          message: expect.stringMatching(new RegExp(`${intervalMs}.*60000.*86400000`)),
        });
      });
    });

    describe('latest', () => {
      it('returns the newest observation per datastream', async () => {
        const tenant = uniqueTenant();
        const observations = ['ds-a', 'ds-b'].flatMap((datastreamId) =>
          [0, 2, 1].map((index) =>
            makeObservation({
              tenant,
              datastreamId,
              phenomenonTimeMs: BASE_MS + index * MINUTE_MS,
              result: index,
            }),
          ),
        );
        await sut.write(observations);

        const latest = await sut.latest(tenant, ['ds-a', 'ds-b', 'ds-without-data']);

        expect([...latest.keys()].sort()).toEqual(['ds-a', 'ds-b']);
        expect(latest.get('ds-a')?.phenomenonTimeMs).toBe(BASE_MS + 2 * MINUTE_MS);
        expect(latest.get('ds-b')?.result).toBe(2);
      });

      it('returns an empty map for no datastreams', async () => {
        const latest = await sut.latest(uniqueTenant(), []);

        expect(latest.size).toBe(0);
      });
    });

    describe('count', () => {
      it('counts per tenant and per datastream', async () => {
        const tenant = uniqueTenant();
        await sut.write([
          makeObservation({ tenant, datastreamId: 'ds-a', phenomenonTimeMs: BASE_MS }),
          makeObservation({ tenant, datastreamId: 'ds-a', phenomenonTimeMs: BASE_MS + 1 }),
          makeObservation({ tenant, datastreamId: 'ds-b', phenomenonTimeMs: BASE_MS }),
        ]);

        expect(await sut.count(tenant)).toBe(3);
        expect(await sut.count(tenant, 'ds-a')).toBe(2);
        expect(await sut.count(tenant, 'ds-missing')).toBe(0);
      });
    });

    describe('isHealthy', () => {
      it('reports false after close', async () => {
        expect(await sut.isHealthy()).toBe(true);

        await sut.close();

        expect(await sut.isHealthy()).toBe(false);
      });
    });
  });
}
