import type { QualityJobDefinition } from '../src/definition/analytics-file.schema';
import { AnalyticsSettings } from '../src/analytics-settings';
import { QualityService } from '../src/quality/quality.service';
import { type AnalyticsTestApp, catalog, makeObservation, startAnalyticsTestApp, waitFor } from './analytics-test-app';

const DARMSTADT = 'darmstadt';
const KASSEL = 'kassel';
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

const THERMOMETER = { id: 'thermo', name: 'Thermometer', fields: [{ field: 'temperature', observedProperty: 'air_temperature', unit: 'Cel', type: 'number' }] };

/** Ten readings a minute apart, the newest `ageMs` before `nowMs`, received a second after their time. */
function readings(tenant: string, datastreamId: string, nowMs: number, ageMs: number) {
  return Array.from({ length: 10 }, (_, index) => {
    const timeMs = nowMs - ageMs - (9 - index) * MINUTE_MS;

    return makeObservation(tenant, datastreamId, timeMs, 20 + (index % 3), { receivedAtMs: timeMs + 1000 });
  });
}

interface PublicItem {
  datastreamId: string;
  thingId: string;
  deviceId: string;
  status: string;
  lastReceivedAt?: string;
}

describe('public quality status', () => {
  let sut: AnalyticsTestApp;
  const nowMs = Date.now();

  const publicStatus = async (tenant: string, token?: string, query = '') =>
    sut.get<{ items: PublicItem[] }>(`/api/v1/quality/public/${tenant}${query}`, token);

  beforeAll(async () => {
    sut = await startAnalyticsTestApp({ document: { jobs: [{ name: 'quality', kind: 'quality', parameters: { staleAfter: '1h' } }] } });
    await sut.registry.applyCatalog(
      catalog(DARMSTADT, [THERMOMETER], [
        { id: 'street-sensor', type: 'thermo', classification: 'public' },
        { id: 'depot-sensor', type: 'thermo', classification: 'internal' },
      ]),
    );
    await sut.registry.applyCatalog(catalog(KASSEL, [THERMOMETER], [{ id: 'park-sensor', type: 'thermo', classification: 'public' }]));
    // Darmstadt's sensors fell silent 3 hours ago, Kassel's sends every minute.
    await sut.publish(DARMSTADT, [...readings(DARMSTADT, 'street-sensor.temperature', nowMs, 3 * HOUR_MS), ...readings(DARMSTADT, 'depot-sensor.temperature', nowMs, 3 * HOUR_MS)]);
    await sut.publish(KASSEL, readings(KASSEL, 'park-sensor.temperature', nowMs, MINUTE_MS));

    const definition = sut.app.get(AnalyticsSettings).definition.jobs.find((job) => job.kind === 'quality') as QualityJobDefinition;
    const quality = sut.app.get(QualityService, { strict: false });
    // The consumer reads the topics on its own, so the checks are repeated until every device has its readings.
    await waitFor(
      async () => {
        await quality.run(definition, DARMSTADT, nowMs);
        await quality.run(definition, KASSEL, nowMs);

        return quality.list().map((device) => `${device.deviceId}:${device.status}`);
      },
      (statuses) => ['street-sensor:stale', 'depot-sensor:stale', 'park-sensor:ok'].every((status) => statuses.includes(status)),
    );
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('lists public datastreams without a token', async () => {
    const { status, body } = await publicStatus(DARMSTADT);

    expect(status).toBe(200);
    expect(body.items).toEqual([
      {
        datastreamId: 'street-sensor.temperature',
        thingId: 'thing-1',
        deviceId: 'street-sensor',
        status: 'stale',
        lastReceivedAt: new Date(nowMs - 3 * HOUR_MS + 1000).toISOString(),
      },
    ]);
  });

  it('keeps each tenant to its own datastreams', async () => {
    const { body } = await publicStatus(KASSEL);

    expect(body.items.map((item) => [item.datastreamId, item.status])).toEqual([['park-sensor.temperature', 'ok']]);
  });

  it('shows another tenant what anonymous callers see', async () => {
    const anonymous = await publicStatus(DARMSTADT);
    const kasselAdmin = await publicStatus(DARMSTADT, await sut.token(KASSEL, ['tenant-admin']));

    expect(kasselAdmin.status).toBe(200);
    expect(kasselAdmin.body).toEqual(anonymous.body);
  });

  it('omits internal datastreams for own tenant', async () => {
    const anonymous = await publicStatus(DARMSTADT);
    const ownAdmin = await publicStatus(DARMSTADT, await sut.token(DARMSTADT, ['tenant-admin']));

    expect(ownAdmin.body).toEqual(anonymous.body);
    expect(ownAdmin.body.items.map((item) => item.datastreamId)).not.toContain('depot-sensor.temperature');
  });

  it('filters by thing', async () => {
    const ofThing = await publicStatus(DARMSTADT, undefined, '?thing=thing-1');
    const ofOtherThing = await publicStatus(DARMSTADT, undefined, '?thing=no-such-thing');

    expect(ofThing.body.items.map((item) => item.datastreamId)).toEqual(['street-sensor.temperature']);
    expect(ofOtherThing.body.items).toEqual([]);
  });

  it('returns nothing for unknown tenant', async () => {
    const { status, body } = await publicStatus('no-such-tenant');

    expect(status).toBe(200);
    expect(body.items).toEqual([]);
  });

  it('rejects an invalid token', async () => {
    const { status } = await publicStatus(DARMSTADT, 'not-a-token');

    expect(status).toBe(401);
  });

  it('drops a datastream made internal before the next check', async () => {
    await sut.registry.patchDatastream(KASSEL, 'park-sensor.temperature', { classification: 'internal' });
    const { body } = await publicStatus(KASSEL);

    expect(body.items).toEqual([]);
  });
});
