import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock, type StoredObservation, observationId } from '@stadtdaten/contracts';
import { type RegistryService, openRegistry } from '@stadtdaten/registry';
import {
  ROLLUP_STATS,
  SqliteTimeSeriesStore,
  bucketStart,
  rollupDatastreamId,
  statValue,
  statsOf,
} from '@stadtdaten/timeseries';
import { RollupAggregateService } from './rollup-aggregate.service';

const TENANT = 'darmstadt';
const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-01-01T00:00:00Z');
const NOW_MS = START_MS + 40 * DAY_MS;

const CATALOG = {
  tenants: [{ id: TENANT, name: 'Darmstadt' }],
  observedProperties: [
    { id: 'power', name: 'Power', definition: 'urn:stadtdaten:property:power' },
    { id: 'observation_count', name: 'Count', definition: 'urn:stadtdaten:property:observation_count' },
  ],
  deviceTypes: [
    {
      id: 'meter',
      tenant: TENANT,
      name: 'Meter',
      payloadFormat: 'json',
      fields: [{ field: 'power', observedProperty: 'power', unit: 'W', type: 'number' }],
    },
    {
      id: 'analytics-rollup-meter',
      tenant: TENANT,
      name: 'Rollups of meter',
      payloadFormat: 'json',
      fields: ROLLUP_STATS.map((stat) => ({
        field: `power.${stat}_1d`,
        observedProperty: stat === 'count' ? 'observation_count' : 'power',
        unit: stat === 'count' ? '{count}' : 'W',
        type: stat === 'count' ? 'integer' : 'number',
      })),
    },
  ],
  things: [
    {
      tenant: TENANT,
      id: 'site',
      name: 'Site',
      useCase: 'energy',
      location: { type: 'Point', coordinates: [8.65, 49.87] },
    },
  ],
  devices: [
    { tenant: TENANT, id: 'meter-1', type: 'meter', thing: 'site', classification: 'public' },
    { tenant: TENANT, id: 'meter-2', type: 'meter', thing: 'site', classification: 'public' },
    {
      tenant: TENANT,
      id: 'rollup-meter-1',
      type: 'analytics-rollup-meter',
      thing: 'site',
      classification: 'public',
    },
    // A user device that happens to carry the id of meter-2's rollup device.
    { tenant: TENANT, id: 'rollup-meter-2', type: 'meter', thing: 'site', classification: 'public' },
  ],
};

function makeObservation(datastreamId: string, phenomenonTimeMs: number, result: number): StoredObservation {
  return {
    id: observationId(TENANT, datastreamId, phenomenonTimeMs),
    tenant: TENANT,
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs,
    result,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
  };
}

/** Readings every 3 hours for 30 days, and their daily rollups from day 10 on, as the analytics job writes them. */
function makeSeries(source: string): StoredObservation[] {
  const raw: StoredObservation[] = [];
  for (let timeMs = START_MS; timeMs < START_MS + 30 * DAY_MS; timeMs += 3 * 3_600_000) {
    raw.push(makeObservation(source, timeMs, (timeMs / 3_600_000) % 17));
  }
  const days = new Map<number, number[]>();
  for (const reading of raw.filter((entry) => entry.phenomenonTimeMs >= START_MS + 10 * DAY_MS)) {
    const day = bucketStart(reading.phenomenonTimeMs, DAY_MS);
    days.set(day, [...(days.get(day) ?? []), reading.result as number]);
  }
  const rollups = [...days].flatMap(([day, values]) =>
    ROLLUP_STATS.map((stat) =>
      makeObservation(rollupDatastreamId(source, stat, '1d'), day, statValue(statsOf(values)!, stat)),
    ),
  );

  return [...raw, ...rollups];
}

describe(RollupAggregateService.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-rollup-aggregate-'));
  const store = new SqliteTimeSeriesStore({ path: join(dir, 'ts.sqlite'), synchronous: 'NORMAL' });
  let registry: RegistryService;
  let sut: RollupAggregateService;
  const month = {
    tenant: TENANT,
    fromMs: START_MS + 5 * 3_600_000,
    toMs: START_MS + 30 * DAY_MS,
    intervalMs: DAY_MS,
  };

  beforeAll(async () => {
    await store.connect();
    registry = await openRegistry({ type: 'sqlite', path: ':memory:' });
    await registry.applyCatalog(CATALOG, { allowDerivedTypes: true });
    await store.write([...makeSeries('meter-1.power'), ...makeSeries('meter-2.power')]);
    sut = new RollupAggregateService(store, registry, new FixedClock(NOW_MS));
  });

  afterAll(async () => {
    await registry.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('aggregate', () => {
    it.each(['mean', 'min', 'max', 'sum', 'count'] as const)(
      'reads the daily %s from the rollups',
      async (aggregate) => {
        const query = { ...month, datastreamId: 'meter-1.power', aggregate };

        const result = await sut.aggregate(query);
        const raw = await store.aggregate(query);

        expect(result.source).toBe('rollup-1d');
        expect(result.points.map((point) => point.count)).toEqual(raw.map((point) => point.count));
        result.points.forEach((point, index) => expect(point.value).toBeCloseTo(raw[index].value!, 9));
      },
    );

    it('reads a short range raw', async () => {
      const result = await sut.aggregate({
        ...month,
        toMs: month.fromMs + DAY_MS,
        datastreamId: 'meter-1.power',
        aggregate: 'mean',
      });

      expect(result.source).toBe('raw');
    });

    it('reads last raw', async () => {
      const result = await sut.aggregate({ ...month, datastreamId: 'meter-1.power', aggregate: 'last' });

      expect(result.source).toBe('raw');
    });

    it('ignores a device of another type with the rollup id', async () => {
      const result = await sut.aggregate({ ...month, datastreamId: 'meter-2.power', aggregate: 'mean' });

      expect(result.source).toBe('raw');
    });

    it('reads a range before the first rollup raw', async () => {
      const early = { ...month, toMs: START_MS + 10 * DAY_MS, fromMs: START_MS - 20 * DAY_MS };
      const result = await sut.aggregate({ ...early, datastreamId: 'meter-1.power', aggregate: 'mean' });

      expect(result.source).toBe('raw');
      expect(result.points).toHaveLength(10);
    });
  });
});
