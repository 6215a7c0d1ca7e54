import { DEFAULT_JOBS, PROBLEM_RULES } from '@stadtdaten/analytics';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from './helpers';

const TENANT = 'darmstadt';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Maximum wait for the analytics jobs, in milliseconds; the rollup job computes every 10 s by default. */
const ANALYTICS_WAIT_MS = 45_000;

const CATALOG = `
tenants:
  - { id: ${TENANT}, name: Darmstadt }
observedProperties:
  - { id: power, name: Power, definition: "urn:stadtdaten:property:power" }
deviceTypes:
  - id: meter
    tenant: ${TENANT}
    name: Meter
    payloadFormat: json
    fields:
      - { field: power, observedProperty: power, unit: W, type: number, min: 0, max: 10000 }
things:
  - { tenant: ${TENANT}, id: substation, name: Substation, useCase: energy, location: { type: Point, coordinates: [8.6512, 49.8728] } }
devices:
  - { tenant: ${TENANT}, id: meter-1, type: meter, thing: substation, classification: public }
`;

interface Reading {
  timeMs: number;
  power: number;
}

/** Makes a reading every 2 hours over 30 whole UTC days from `startMs`, with irregular values. */
function makeReadings(startMs: number): Reading[] {
  return Array.from({ length: 30 * 12 }, (_, index) => ({
    timeMs: startMs + index * 2 * HOUR_MS,
    power: Math.round(500 + 300 * Math.sin(index / 5) + ((index * 37) % 11)) / 4,
  }));
}

/** Computes the daily means and counts of the readings in [fromMs, toMs) from what the test sent. */
function dailyMeans(
  readings: Reading[],
  fromMs: number,
  toMs: number,
): { phenomenonTime: string; mean: number; count: number }[] {
  const days = new Map<number, number[]>();
  for (const reading of readings.filter((entry) => entry.timeMs >= fromMs && entry.timeMs < toMs)) {
    const day = Math.floor(reading.timeMs / DAY_MS) * DAY_MS;
    days.set(day, [...(days.get(day) ?? []), reading.power]);
  }

  return [...days].map(([day, values]) => ({
    phenomenonTime: new Date(day).toISOString(),
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    count: values.length,
  }));
}

describe('analytics in the embedded platform', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let admin: string;
  const startMs = Math.floor((Date.now() - 35 * DAY_MS) / DAY_MS) * DAY_MS;
  const readings = makeReadings(startMs);

  async function ingest(deviceId: string, body: unknown) {
    const token = await platform.issueToken(TENANT, ['device'], deviceId);
    const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=${deviceId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 202) {
      throw new Error(`ingest for ${deviceId} failed: ${response.status} ${await response.text()}`);
    }
  }

  /** Reads the daily means of the range through the REST API, with the source that the query API names. */
  async function dailyAggregate(fromMs: number, toMs: number) {
    const range = `from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
    const response = await fetch(
      `${platform.httpUrl}/api/v1/tenants/${TENANT}/datastreams/meter-1.power/observations?${range}&aggregate=mean&interval=1d`,
    );
    const body = (await response.json()) as {
      observations: { phenomenonTime: string; result: number; count: number }[];
    };

    return {
      status: response.status,
      source: response.headers.get('x-stadtdaten-aggregate-source'),
      observations: body.observations,
    };
  }

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform({ analytics: true }));
    await applyCatalog(platform, CATALOG);
    admin = await platform.issueToken(TENANT, ['tenant-admin']);
    for (let index = 0; index < readings.length; index += 60) {
      const chunk = readings.slice(index, index + 60);
      await ingest(
        'meter-1',
        chunk.map((reading) => ({ time: new Date(reading.timeMs).toISOString(), power: reading.power })),
      );
    }
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
  });

  it('lists the built-in jobs', async () => {
    const { status, body } = await getJson(platform, '/api/v1/jobs', admin);

    expect(status).toBe(200);
    expect(body.items.map((job: { name: string }) => job.name)).toEqual(DEFAULT_JOBS.map((job) => job.name));
    expect(body.items.find((job: { kind: string }) => job.kind === 'rollup').trigger).toBe('on observations');
  });

  it('answers a month of daily means from the rollups', async () => {
    const toMs = startMs + 30 * DAY_MS;
    const expected = dailyMeans(readings, startMs, toMs);

    const answer = await waitFor(
      () => dailyAggregate(startMs, toMs),
      (result) =>
        result.source === 'rollup-1d' &&
        JSON.stringify(result.observations.map((point) => point.count)) ===
          JSON.stringify(expected.map((day) => day.count)),
      ANALYTICS_WAIT_MS,
    );

    expect(answer.status).toBe(200);
    expect(answer.observations.map((point) => point.phenomenonTime)).toEqual(
      expected.map((day) => day.phenomenonTime),
    );
    answer.observations.forEach((point, index) => expect(point.result).toBeCloseTo(expected[index].mean, 9));
  });

  it('reads the edges of an unaligned range raw', async () => {
    const fromMs = startMs + 5 * HOUR_MS;
    const toMs = startMs + 29 * DAY_MS + 7 * HOUR_MS;
    const expected = dailyMeans(readings, fromMs, toMs);

    const answer = await waitFor(
      () => dailyAggregate(fromMs, toMs),
      (result) => result.source === 'rollup-1d',
      ANALYTICS_WAIT_MS,
    );

    expect(answer.observations.map((point) => point.count)).toEqual(expected.map((day) => day.count));
    answer.observations.forEach((point, index) => expect(point.result).toBeCloseTo(expected[index].mean, 9));
  });

  it('reads a range under two days raw', async () => {
    const answer = await dailyAggregate(startMs, startMs + DAY_MS + 12 * HOUR_MS);

    expect(answer.source).toBe('raw');
    expect(answer.observations.map((point) => point.count)).toEqual([12, 6]);
  });

  it('dead-letters readings sent as a rollup device', async () => {
    await waitFor(
      () => getJson(platform, `/api/v1/tenants/${TENANT}/datastreams/rollup-meter-1.power.mean_1d`, admin),
      (result) => result.status === 200,
      ANALYTICS_WAIT_MS,
    );
    await ingest('rollup-meter-1', { time: new Date(startMs).toISOString(), 'power.mean_1d': 1 });

    const { body } = await waitFor(
      () => getJson(platform, `/api/v1/tenants/${TENANT}/rejections?reason=DERIVED_DEVICE`, admin),
      (result) => result.body.total >= 1,
    );

    expect(body.items[0].deviceId).toBe('rollup-meter-1');
    expect(body.items[0].detail).toContain('only the analytics service writes');
  });


  it('leaves rollups out of public lists', async () => {
    const ids = async (token?: string) =>
      ((await getJson(platform, `/api/v1/tenants/${TENANT}/datastreams`, token)).body as { id: string }[]).map((datastream) => datastream.id);

    expect(await ids()).not.toContain('rollup-meter-1.power.mean_1d');
    expect(await ids(admin)).toContain('rollup-meter-1.power.mean_1d');
  });
  it('describes the analytics routes in the OpenAPI document', async () => {
    const { body } = await getJson(platform, '/api/v1/openapi.json');
    const jobKinds =
      body.paths['/jobs'].get.responses[200].content['application/json'].schema.properties.items.items
        .properties.kind.enum;
    const statusParameter = body.paths['/quality'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'status',
    );

    expect(jobKinds).toEqual([...new Set(DEFAULT_JOBS.map((job) => job.kind))]);
    expect(statusParameter.schema.enum).toEqual(['ok', 'unknown', ...PROBLEM_RULES]);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/jobs', '/quality', '/quality/{deviceId}']),
    );
  });
});
