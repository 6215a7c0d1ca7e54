import { type JsonWebKeySet, verifyObservation } from '@stadtdaten/integrity';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from './helpers';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: fill_level, name: Füllstand, definition: "urn:stadtdaten:property:fill_level" }
deviceTypes:
  - id: glass-sensor
    tenant: darmstadt
    name: Glass container sensor
    payloadFormat: json
    fields:
      - { field: fill, observedProperty: fill_level, unit: "%", type: number, min: 0, max: 100 }
things:
  - { tenant: darmstadt, id: container-1, name: Container 1, useCase: waste, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: glass-public, type: glass-sensor, thing: container-1, classification: public }
  - { tenant: darmstadt, id: glass-internal, type: glass-sensor, thing: container-1, classification: internal }
`;

describe('signed observations', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let adminToken: string;
  let deviceToken: string;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, CATALOG);
    adminToken = await platform.issueToken('platform', ['platform-admin'], 'test-admin');
    deviceToken = await platform.issueToken('darmstadt', ['device'], 'glass');
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
  });

  async function send(deviceId: string, time: string, fill: number) {
    await sendReadings(deviceId, { time, fill });
  }

  async function sendReadings(deviceId: string, readings: object) {
    const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=${deviceId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(readings),
    });
    expect(response.status).toBeLessThan(300);
  }

  async function storedId(datastream: string, time: string, token?: string): Promise<string> {
    const path = `/api/v1/tenants/darmstadt/datastreams/${datastream}/observations?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z`;
    const { body } = await waitFor(
      () => getJson(platform, path, token),
      (response) => response.body.observations?.some((o: { phenomenonTime: string }) => o.phenomenonTime === time),
    );

    return body.observations.find((o: { phenomenonTime: string }) => o.phenomenonTime === time).id;
  }

  async function proofOf(id: string, token?: string) {
    return waitFor(() => getJson(platform, `/api/v1/observations/${id}/proof`, token), (response) => response.status !== 404, 10_000);
  }

  it('proves a stored value against the published keys', async () => {
    await send('glass-public', '2026-11-30T08:00:00.000Z', 42.5);
    const id = await storedId('glass-public.fill', '2026-11-30T08:00:00.000Z');

    const { status, body } = await proofOf(id);
    const jwks = (await getJson(platform, '/api/v1/jwks.json')).body as JsonWebKeySet;

    expect(status).toBe(200);
    expect(body.observation).toMatchObject({ tenant: 'darmstadt', datastreamId: 'glass-public.fill', unit: '%', result: { type: 'number', value: 42.5 } });
    expect(verifyObservation(body.observation, body.proof, body.batch, jwks)).toEqual({ ok: true });
    expect(verifyObservation({ ...body.observation, result: { type: 'number', value: 43 } }, body.proof, body.batch, jwks).ok).toBe(false);
    expect(verifyObservation({ ...body.observation, tenant: 'heag' }, body.proof, body.batch, jwks).ok).toBe(false);
  });

  it('fails verification for a changed time, datastream, proof or key', async () => {
    // One message, so both readings become leaves of one batch and the proofs can be swapped.
    await sendReadings('glass-public', [
      { time: '2026-11-30T12:00:00.000Z', fill: 20 },
      { time: '2026-11-30T12:01:00.000Z', fill: 21 },
    ]);
    const { body } = await proofOf(await storedId('glass-public.fill', '2026-11-30T12:00:00.000Z'));
    const other = (await proofOf(await storedId('glass-public.fill', '2026-11-30T12:01:00.000Z'))).body;
    const jwks = (await getJson(platform, '/api/v1/jwks.json')).body as JsonWebKeySet;
    const verify = (changes: { observation?: object; proof?: object; batch?: object }) =>
      verifyObservation({ ...body.observation, ...changes.observation }, changes.proof ?? body.proof, { ...body.batch, ...changes.batch }, jwks);

    expect(verify({})).toEqual({ ok: true });
    expect(verify({ observation: { phenomenonTimeMs: body.observation.phenomenonTimeMs + 1 } }).ok).toBe(false);
    expect(verify({ observation: { datastreamId: 'glass-internal.fill' } }).ok).toBe(false);
    expect(other.proof.batchId).toBe(body.proof.batchId);
    expect(verify({ proof: other.proof })).toMatchObject({ ok: false, reason: 'ROOT_MISMATCH' });
    expect(verify({ batch: { keyId: 'unknown-key' } })).toMatchObject({ ok: false, reason: 'UNKNOWN_KEY' });
  });

  it('proves the latest value of a reading sent again', async () => {
    await send('glass-public', '2026-11-30T13:00:00.000Z', 30);
    const id = await storedId('glass-public.fill', '2026-11-30T13:00:00.000Z');
    const first = (await proofOf(id)).body;

    await send('glass-public', '2026-11-30T13:00:00.000Z', 31);
    const { body } = await waitFor(
      () => getJson(platform, `/api/v1/observations/${id}/proof`),
      (response) => response.body.observation?.result?.value === 31,
      10_000,
    );
    const jwks = (await getJson(platform, '/api/v1/jwks.json')).body as JsonWebKeySet;

    expect(first.observation.result).toEqual({ type: 'number', value: 30 });
    expect(body.proof.batchId).not.toBe(first.proof.batchId);
    expect(verifyObservation(body.observation, body.proof, body.batch, jwks)).toEqual({ ok: true });
  });

  it('hides the proof of an internal value from anonymous callers', async () => {
    await send('glass-internal', '2026-11-30T09:00:00.000Z', 10);
    const tenantToken = await platform.issueToken('darmstadt', ['analyst'], 'analyst');
    const id = await storedId('glass-internal.fill', '2026-11-30T09:00:00.000Z', tenantToken);

    expect((await proofOf(id, tenantToken)).status).toBe(200);
    expect((await getJson(platform, `/api/v1/observations/${id}/proof`)).status).toBe(404);
  });

  it('keeps old proofs valid after a key rotation', async () => {
    await send('glass-public', '2026-11-30T10:00:00.000Z', 50);
    const before = (await proofOf(await storedId('glass-public.fill', '2026-11-30T10:00:00.000Z'))).body;

    const rotation = await fetch(`${platform.httpUrl}/api/v1/signing-keys/rotations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(rotation.status).toBe(201);
    const { activeKeyId } = (await rotation.json()) as { activeKeyId: string };

    await send('glass-public', '2026-11-30T11:00:00.000Z', 60);
    const after = (await proofOf(await storedId('glass-public.fill', '2026-11-30T11:00:00.000Z'))).body;
    const jwks = (await getJson(platform, '/api/v1/jwks.json')).body as JsonWebKeySet;

    expect(after.batch.keyId).toBe(activeKeyId);
    expect(before.batch.keyId).not.toBe(activeKeyId);
    expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([before.batch.keyId, activeKeyId]));
    expect(verifyObservation(before.observation, before.proof, before.batch, jwks)).toEqual({ ok: true });
    expect(verifyObservation(after.observation, after.proof, after.batch, jwks)).toEqual({ ok: true });
  });

  it('rejects a rotation without the platform-admin role', async () => {
    const tenantAdmin = await platform.issueToken('darmstadt', ['tenant-admin'], 'admin');
    const response = await fetch(`${platform.httpUrl}/api/v1/signing-keys/rotations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenantAdmin}` },
    });
    expect(response.status).toBe(403);
  });
});
