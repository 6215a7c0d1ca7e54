import { type StoredObservation, observationId } from '@stadtdaten/contracts';
import { DateTime } from 'luxon';
import { AnalyticsSettings } from '../src/analytics-settings';
import { JobScheduler } from '../src/jobs/job-scheduler.service';
import { type AnalyticsTestApp, catalog, startAnalyticsTestApp, waitFor } from './analytics-test-app';

const TENANT = 'darmstadt';
const HOUR_MS = 3_600_000;
const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

const DOCUMENT = {
  jobs: [
    { name: 'parking-occupancy', kind: 'parking-occupancy' },
    { name: 'air-quality-index', kind: 'air-quality-index' },
    { name: 'glass-fill-forecast', kind: 'fill-level-forecast' },
    { name: 'bike-counts', kind: 'bike-count-comparison' },
    { name: 'parking-forecast', kind: 'parking-forecast', parameters: { horizons: ['15m', '1h', '24h'] } },
  ],
};

const CATALOG = catalog(
  TENANT,
  [
    {
      id: 'garage',
      name: 'Garage counter',
      fields: [
        { field: 'free_spaces', observedProperty: 'free_parking_spaces', unit: '{spaces}', type: 'integer' },
        { field: 'capacity', observedProperty: 'parking_capacity', unit: '{spaces}', type: 'integer' },
      ],
    },
    {
      id: 'air',
      name: 'Air station',
      fields: [
        { field: 'no2', observedProperty: 'no2', unit: 'ug/m3', type: 'number' },
        { field: 'pm10', observedProperty: 'pm10', unit: 'ug/m3', type: 'number' },
        { field: 'pm2_5', observedProperty: 'pm2_5', unit: 'ug/m3', type: 'number' },
      ],
    },
    { id: 'glass', name: 'Glass container', fields: [{ field: 'fill_level', observedProperty: 'fill_level', unit: '%', type: 'number' }] },
    { id: 'counter', name: 'Bicycle counter', fields: [{ field: 'bicycles', observedProperty: 'bicycle_count', unit: '{bicycles}/(15.min)', type: 'integer' }] },
  ],
  [
    { id: 'park-1', type: 'garage', thing: 'garage-1', classification: 'public' },
    { id: 'park-2', type: 'garage', thing: 'garage-2', classification: 'internal' },
    { id: 'air-1', type: 'air', thing: 'station-1', classification: 'public' },
    { id: 'glass-1', type: 'glass', classification: 'public' },
    { id: 'bike-1', type: 'counter', classification: 'public' },
  ],
  [
    { id: 'garage-1', name: 'Garage 1', useCase: 'parking', location: { type: 'Point', coordinates: [8.6, 49.8] } },
    { id: 'garage-2', name: 'Garage 2', useCase: 'parking', location: { type: 'Point', coordinates: [8.7, 49.9] }, properties: { capacity: 100 } },
    { id: 'station-1', name: 'Station 1', useCase: 'air-quality', location: { type: 'Point', coordinates: [8.65, 49.87] } },
  ],
);

function stored(datastreamId: string, phenomenonTimeMs: number, result: number): StoredObservation {
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

/** Free spaces of garage 1: a daily wave between 100 and 300, the same every day. */
function dailyWave(timeMs: number): number {
  const slotOfDay = Math.floor((timeMs % DAY_MS) / SLOT_MS);

  return Math.round(200 + 100 * Math.sin((2 * Math.PI * slotOfDay) / 96));
}

describe('indicators', () => {
  let sut: AnalyticsTestApp;
  const nowMs = Date.now();
  const lastHourEnd = Math.floor(nowMs / HOUR_MS) * HOUR_MS;

  const run = (name: string) => {
    const definition = sut.app.get(AnalyticsSettings).definition.jobs.find((job) => job.name === name)!;

    return sut.app.get(JobScheduler, { strict: false }).runNow(definition);
  };
  const stream = async (datastreamId: string, fromMs: number, toMs: number) => sut.store.query({ tenant: TENANT, datastreamId, fromMs, toMs });

  beforeAll(async () => {
    sut = await startAnalyticsTestApp({ document: DOCUMENT });
    await sut.registry.applyCatalog(CATALOG);
    const history: StoredObservation[] = [];
    const firstSlot = Math.floor(nowMs / SLOT_MS) * SLOT_MS - 30 * DAY_MS;
    for (let timeMs = firstSlot; timeMs < nowMs - 60_000; timeMs += SLOT_MS) {
      history.push(stored('park-1.free_spaces', timeMs, dailyWave(timeMs)));
    }
    history.push(stored('park-1.capacity', nowMs - DAY_MS, 400), stored('park-2.free_spaces', nowMs - 5 * 60_000, 50));
    history.push(
      stored('air-1.no2', lastHourEnd - 30 * 60_000, 35),
      stored('air-1.pm10', lastHourEnd - 30 * 60_000, 20),
      stored('air-1.pm2_5', lastHourEnd - 30 * 60_000, 3),
    );
    // Emptied 20 hours ago, then 2 percentage points an hour from 40 %.
    history.push(stored('glass-1.fill_level', nowMs - 21 * HOUR_MS, 90));
    for (let hour = 10; hour >= 0; hour -= 1) {
      history.push(stored('glass-1.fill_level', nowMs - hour * HOUR_MS - 60_000, 60 - 2 * hour));
    }
    const yesterday = DateTime.fromMillis(nowMs, { zone: 'Europe/Berlin' }).startOf('day').minus({ days: 1 });
    for (const [day, perSlot] of [[yesterday, 2], [yesterday.minus({ days: 364 }), 1]] as const) {
      for (let timeMs = day.toMillis(); timeMs < day.plus({ days: 1 }).toMillis(); timeMs += SLOT_MS) {
        history.push(stored('bike-1.bicycles', timeMs, perSlot));
      }
    }
    await sut.store.write(history);
  });

  afterAll(() => sut.close());

  it('computes the occupancy of all facilities', async () => {
    await run('parking-occupancy');
    const rows = await waitFor(() => stream('analytics-parking-occupancy.occupancy_rate', nowMs - HOUR_MS, nowMs + 1), (found) => found.length === 1);

    // Garage 1: 400 spaces and the free count of the wave; garage 2: 50 of 100 (thing property).
    const free = dailyWave(Math.floor((nowMs - 60_000) / SLOT_MS) * SLOT_MS) + 50;
    expect(rows[0].result).toBeCloseTo(Math.round(1000 * (1 - free / 500)) / 10, 5);
  });

  it('places the occupancy on a thing at the facilities centre', async () => {
    const thing = await sut.registry.getThing(TENANT, 'analytics-parking-occupancy');

    expect(thing?.location).toEqual({ type: 'Point', coordinates: [8.65, 49.85] });
  });

  it('keeps the occupancy internal when a facility is internal', async () => {
    expect((await sut.registry.getDatastream(TENANT, 'analytics-parking-occupancy.occupancy_rate'))?.classification).toBe('internal');
  });

  it('computes the air-quality index of the last hour', async () => {
    await run('air-quality-index');
    const hourStart = lastHourEnd - HOUR_MS;
    const [index] = await waitFor(() => stream('aqi-station-1.index', hourStart, hourStart + 1), (found) => found.length === 1);
    const [pollutant] = await stream('aqi-station-1.dominant_pollutant', hourStart, hourStart + 1);

    expect(index.result).toBe(3);
    expect(index.qualityFlags).toEqual(['incomplete']);
    expect(pollutant.result).toBe('no2');
  });

  it('forecasts when a container reaches 80 %', async () => {
    await run('glass-fill-forecast');
    const [hours] = await waitFor(() => stream('fill-glass-1.fill_level.hours_to_threshold', nowMs - HOUR_MS, nowMs + 1), (found) => found.length === 1);
    const [at] = await stream('fill-glass-1.fill_level.threshold_reached_at', nowMs - HOUR_MS, nowMs + 1);

    // The newest reading is 60 % a minute ago; 20 points at 2 per hour are 10 hours.
    const expectedMs = nowMs - 60_000 + 10 * HOUR_MS;
    expect(Math.abs(Date.parse(at.result as string) - expectedMs)).toBeLessThan(2000);
    expect(hours.result).toBeCloseTo((expectedMs - hours.phenomenonTimeMs) / HOUR_MS, 1);
  });

  it('compares daily bicycles with the year before', async () => {
    await run('bike-counts');
    const dayStart = DateTime.fromMillis(nowMs, { zone: 'Europe/Berlin' }).startOf('day').minus({ days: 1 }).toMillis();
    const [total] = await waitFor(() => stream('bikes-bike-1.bicycles.daily_total', dayStart, dayStart + 1), (found) => found.length === 1);
    const [before] = await stream('bikes-bike-1.bicycles.daily_total_year_before', dayStart, dayStart + 1);
    const [change] = await waitFor(() => stream('bikes-bike-1.bicycles.change_vs_year_before', dayStart, dayStart + 1), (found) => found.length === 1);
    const slotsOf = (day: DateTime) => (day.plus({ days: 1 }).toMillis() - day.toMillis()) / SLOT_MS;
    const day = DateTime.fromMillis(dayStart, { zone: 'Europe/Berlin' });

    expect(total.result).toBe(2 * slotsOf(day));
    expect(before.result).toBe(slotsOf(day.minus({ days: 364 })));
    expect(change.result).toBeCloseTo(100 * ((total.result as number) / (before.result as number) - 1), 1);
  });

  it('forecasts free spaces with an interval', async () => {
    await run('parking-forecast');
    const window = (horizonMs: number) => [nowMs + horizonMs, nowMs + horizonMs + 2 * SLOT_MS] as const;
    const [value] = await waitFor(() => stream('forecast-park-1.free_spaces.forecast_1h', ...window(HOUR_MS)), (found) => found.length === 1);
    const [lower] = await stream('forecast-park-1.free_spaces.forecast_1h_lower', ...window(HOUR_MS));
    const [upper] = await stream('forecast-park-1.free_spaces.forecast_1h_upper', ...window(HOUR_MS));

    // The target slot contains the last reading before it, as on the model's grid.
    expect(value.phenomenonTimeMs % SLOT_MS).toBe(0);
    expect(value.resultTimeMs).toBeLessThanOrEqual(value.phenomenonTimeMs - HOUR_MS);
    expect(Math.abs((value.result as number) - dailyWave(value.phenomenonTimeMs - SLOT_MS))).toBeLessThan(5);
    expect(lower.result as number).toBeLessThanOrEqual(value.result as number);
    expect(upper.result as number).toBeGreaterThanOrEqual(value.result as number);
  });

  it('falls back to the last value without history', async () => {
    const window = [nowMs + 24 * HOUR_MS, nowMs + 24 * HOUR_MS + 2 * SLOT_MS] as const;
    const [value] = await waitFor(() => stream('forecast-park-2.free_spaces.forecast_24h', ...window), (found) => found.length === 1);

    expect(value.result).toBe(50);
    expect(value.qualityFlags).toEqual(['fallback']);
    expect(await stream('forecast-park-2.free_spaces.forecast_24h_lower', ...window)).toEqual([]);
  });

  it('registers forecasts with their horizons', async () => {
    const datastream = await sut.registry.getDatastream(TENANT, 'forecast-park-1.free_spaces.forecast_24h_upper');

    expect(datastream?.unit.code).toBe('{spaces}');
    expect(datastream?.observedProperty.id).toBe('free_parking_spaces_forecast');
    expect(await sut.registry.getDatastream(TENANT, 'forecast-park-1.capacity.forecast_1h')).toBeUndefined();
  });
});
