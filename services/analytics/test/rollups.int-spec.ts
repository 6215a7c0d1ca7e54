import { type AnalyticsTestApp, catalog, makeObservation, startAnalyticsTestApp, waitFor } from './analytics-test-app';

const TENANT = 'darmstadt';
const HOUR_MS = 3_600_000;
const SOURCE = 'thermo-1.temperature';
const MEAN_1H = 'rollup-thermo-1.temperature.mean_1h';
const COUNT_1H = 'rollup-thermo-1.temperature.count_1h';
const MAX_1M = 'rollup-thermo-1.temperature.max_1m';
const MEAN_1D = 'rollup-thermo-1.temperature.mean_1d';

const DOCUMENT = { jobs: [{ name: 'rollups', kind: 'rollup', parameters: { flushEvery: '200ms' } }] };

describe('rollups', () => {
  let sut: AnalyticsTestApp;
  /** Start of a complete UTC hour two hours ago, so both test hours have ended. */
  const hourStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;

  beforeAll(async () => {
    sut = await startAnalyticsTestApp({ document: DOCUMENT });
    await sut.registry.applyCatalog(
      catalog(
        TENANT,
        [
          {
            id: 'thermo',
            name: 'Thermometer',
            fields: [
              { field: 'temperature', observedProperty: 'air_temperature', unit: 'Cel', type: 'number' },
              { field: 'status', observedProperty: 'status_text', unit: '1', type: 'string' },
            ],
          },
        ],
        [
          { id: 'thermo-1', type: 'thermo', classification: 'public' },
          { id: 'thermo-2', type: 'thermo', classification: 'internal' },
        ],
      ),
    );
  });

  afterAll(() => sut.close());

  const latestValue = async (datastreamId: string, fromMs: number) => {
    const rows = await sut.store.query({ tenant: TENANT, datastreamId, fromMs, toMs: fromMs + 1 });

    return rows[0]?.result;
  };

  it('computes minute, hour and day buckets', async () => {
    // 12 readings per minute-pair: every 20 s over the first 4 minutes of the hour, values 0 … 11.
    const readings = Array.from({ length: 12 }, (_, index) => makeObservation(TENANT, SOURCE, hourStart + index * 20_000, index));
    await sut.publish(TENANT, readings);

    await waitFor(() => latestValue(COUNT_1H, hourStart), (value) => value === 12);
    expect(await latestValue(MEAN_1H, hourStart)).toBeCloseTo(5.5, 10);
    expect(await latestValue(MAX_1M, hourStart)).toBe(2);
    expect(await latestValue(MAX_1M, hourStart + 60_000)).toBe(5);
    const dayStart = Math.floor(hourStart / 86_400_000) * 86_400_000;
    await waitFor(() => latestValue(MEAN_1D, dayStart), (value) => value !== undefined);
  });

  it('registers rollup datastreams as internal', async () => {
    const mean = await sut.registry.getDatastream(TENANT, MEAN_1H);
    const count = await sut.registry.getDatastream(TENANT, COUNT_1H);

    expect(mean?.classification).toBe('internal');
    expect(mean?.unit.code).toBe('Cel');
    expect(count?.unit.code).toBe('{count}');
    expect(count?.observedProperty.id).toBe('observation_count');
  });

  it('gives text datastreams no rollups', async () => {
    expect(await sut.registry.getDatastream(TENANT, 'rollup-thermo-1.status.mean_1h')).toBeUndefined();
  });

  it('recomputes a bucket for late data', async () => {
    await sut.publish(TENANT, [makeObservation(TENANT, SOURCE, hourStart + 30 * 60_000, 100)]);

    await waitFor(() => latestValue(COUNT_1H, hourStart), (value) => value === 13);
    expect(await latestValue(MEAN_1H, hourStart)).toBeCloseTo((66 + 100) / 13, 10);
  });

  it('recomputes a bucket for a corrected reading', async () => {
    const corrected = makeObservation(TENANT, SOURCE, hourStart + 30 * 60_000, 35, { receivedAtMs: Date.now() });
    await sut.publish(TENANT, [corrected]);

    await waitFor(() => latestValue(MEAN_1H, hourStart), (value) => typeof value === 'number' && Math.abs(value - (66 + 35) / 13) < 1e-9);
    expect(await latestValue(COUNT_1H, hourStart)).toBe(13);
  });

  it('keeps one value per bucket after recomputation', async () => {
    const hour = await sut.store.query({ tenant: TENANT, datastreamId: MEAN_1H, fromMs: hourStart - HOUR_MS, toMs: hourStart + HOUR_MS });

    expect(hour).toHaveLength(1);
  });

  it('follows the source classification per device', async () => {
    await sut.publish(TENANT, [makeObservation(TENANT, 'thermo-2.temperature', hourStart + HOUR_MS, 7, { classification: 'internal' })]);

    await waitFor(() => latestValue('rollup-thermo-2.temperature.mean_1h', hourStart + HOUR_MS), (value) => value === 7);
    expect((await sut.registry.getDatastream(TENANT, 'rollup-thermo-2.temperature.mean_1h'))?.classification).toBe('internal');
  });

  it('shows the run in the jobs view', async () => {
    const token = await sut.token(TENANT, ['tenant-admin']);
    const { status, body } = await sut.get<any>('/api/v1/jobs', token);
    const rollups = body.items.find((job: { name: string }) => job.name === 'rollups');

    expect(status).toBe(200);
    expect(rollups.trigger).toBe('on observations');
    expect(rollups.tenants[0].tenant).toBe(TENANT);
    expect(rollups.tenants[0].runs).toBeGreaterThan(0);
    expect(rollups.tenants[0].lastSuccessAt).toEqual(expect.any(String));
  });

  it('hides other tenants in the jobs view', async () => {
    const token = await sut.token('kassel', ['tenant-admin']);
    const { body } = await sut.get<any>('/api/v1/jobs', token);

    expect(body.items.flatMap((job: { tenants: unknown[] }) => job.tenants)).toEqual([]);
  });

  it('rejects a foreign tenant parameter', async () => {
    const token = await sut.token('kassel', ['tenant-admin']);
    const { status } = await sut.get('/api/v1/jobs?tenant=darmstadt', token);

    expect(status).toBe(403);
  });

  it('rejects the jobs view without a token', async () => {
    const { status } = await sut.get('/api/v1/jobs');

    expect(status).toBe(401);
  });

  it('exports job metrics', async () => {
    const response = await fetch(`${sut.url}/metrics`);
    const text = await response.text();

    expect(text).toContain('stadtdaten_analytics_job_runs_total{job="rollups",tenant="darmstadt",outcome="succeeded"}');
    expect(text).toContain('stadtdaten_analytics_job_last_success_timestamp_seconds{job="rollups",tenant="darmstadt"}');
  });
});
