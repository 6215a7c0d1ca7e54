import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor, waterMeterCatalog } from './helpers';

const OWNER = 'anna.schmidt@example.org';
/** A reading value distinctive enough to search for in every stored byte. */
const PERSONAL_VALUE = 73.1234567;

const CATALOG = waterMeterCatalog(`
things:
  - { tenant: darmstadt, id: house-7, name: Wohnhaus 7, useCase: other, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: flat-meter-1, type: meter, thing: house-7, classification: personal, owner: "${OWNER}" }
  - { tenant: darmstadt, id: house-meter-1, type: meter, thing: house-7, classification: public, owner: "${OWNER}" }
`);

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

describe('personal data and audit', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let dataDir: string;
  let deviceToken: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    ({ platform, cleanup, dataDir } = await startTestPlatform({ logSink: (line) => logLines.push(line) }));
    await applyCatalog(platform, CATALOG);
    deviceToken = await platform.issueToken('darmstadt', ['device'], 'devices');
    for (const [device, body] of [
      ['flat-meter-1', { time: '2026-11-30T08:00:00Z', litres: PERSONAL_VALUE }],
      ['house-meter-1', { time: '2026-11-30T08:00:00Z', litres: 1200 }],
    ] as const) {
      const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=${device}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(202);
    }
  });

  afterAll(() => cleanup());

  const personalPath = '/api/v1/tenants/darmstadt/datastreams/flat-meter-1.litres/observations?from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z';

  it('decrypts personal values for the personal-data reader only', async () => {
    const reader = await platform.issueToken('darmstadt', ['analyst', 'personal-data-reader'], 'researcher-7');
    const analyst = await platform.issueToken('darmstadt', ['analyst'], 'analyst-1');

    const { body } = await waitFor(() => getJson(platform, personalPath, reader), (r) => r.body.observations?.length === 1);

    expect(body.observations[0].result).toBe(PERSONAL_VALUE);
    expect((await getJson(platform, personalPath, analyst)).status).toBe(404);
    expect((await getJson(platform, personalPath)).status).toBe(404);
    const latest = (await getJson(platform, '/api/v1/tenants/darmstadt/latest')).body as Array<{ datastreamId: string }>;
    expect(latest.map((entry) => entry.datastreamId)).not.toContain('flat-meter-1.litres');
  });

  it('shows the owner only as a pseudonym', async () => {
    const admin = await platform.issueToken('darmstadt', ['tenant-admin'], 'admin');
    const { body } = await getJson(platform, '/api/v1/tenants/darmstadt/things/house-7', admin);
    expect(JSON.stringify(body)).not.toContain(OWNER);
  });

  it('audits personal reads, catalog changes and failed logins in a valid chain', async () => {
    await getJson(platform, personalPath, 'not-a-token');
    const admin = await platform.issueToken('platform', ['platform-admin'], 'auditor');

    const { body } = await waitFor(
      () => getJson(platform, '/api/v1/audit?limit=100', admin),
      (r) => r.body.items?.some((entry: { action: string }) => entry.action === 'LOGIN_FAILED'),
    );
    const actions = body.items.map((entry: { action: string }) => entry.action);

    expect(actions).toEqual(expect.arrayContaining(['PERSONAL_DATA_READ', 'CATALOG_CHANGED', 'LOGIN_FAILED']));
    const read = body.items.find((entry: { action: string }) => entry.action === 'PERSONAL_DATA_READ');
    expect(read.actor).toMatchObject({ kind: 'principal', subject: 'researcher-7', tenant: 'darmstadt' });
    expect(read.target).toMatchObject({ tenant: 'darmstadt', resourceType: 'datastream', resourceId: 'flat-meter-1.litres' });
    expect((await getJson(platform, '/api/v1/audit/verification', admin)).body).toMatchObject({ valid: true });
    const analyst = await platform.issueToken('darmstadt', ['tenant-admin'], 'tenant-admin');
    expect((await getJson(platform, '/api/v1/audit', analyst)).status).toBe(403);
  });

  it('erases personal data of a device on request', async () => {
    const reader = await platform.issueToken('darmstadt', ['analyst', 'personal-data-reader'], 'researcher-7');
    const admin = await platform.issueToken('darmstadt', ['tenant-admin'], 'dpo');
    const publicPath = '/api/v1/tenants/darmstadt/datastreams/house-meter-1.litres/observations?from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z';
    await waitFor(() => getJson(platform, publicPath), (r) => r.body.observations?.length === 1);

    const response = await fetch(`${platform.httpUrl}/api/v1/tenants/darmstadt/devices/flat-meter-1/personal-data`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ deviceId: 'flat-meter-1', datastreams: ['flat-meter-1.litres'], observations: 1, signatures: 1 });
    expect((await getJson(platform, personalPath, reader)).body.observations).toEqual([]);
    expect((await getJson(platform, publicPath)).body.observations).toHaveLength(1);
    const platformAdmin = await platform.issueToken('platform', ['platform-admin'], 'auditor');
    const audit = await getJson(platform, '/api/v1/audit?action=PERSONAL_DATA_DELETED', platformAdmin);
    expect(audit.body.items[0]).toMatchObject({ actor: { subject: 'dpo' }, target: { resourceType: 'device', resourceId: 'flat-meter-1' } });
  });

  it('leaves no clear owner id or personal value in any file or log line', async () => {
    await platform.stop();
    const files = filesBelow(dataDir);
    expect(files.length).toBeGreaterThan(5);
    const owner = Buffer.from(OWNER);
    const value = Buffer.from(String(PERSONAL_VALUE));
    const leaks = files.filter((file) => {
      const bytes = readFileSync(file);
      return bytes.includes(owner) || bytes.includes(value);
    });

    expect(leaks).toEqual([]);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(OWNER) || line.includes(String(PERSONAL_VALUE)))).toEqual([]);
  });
});
