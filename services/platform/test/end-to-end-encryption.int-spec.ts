import { CompactEncrypt, compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from './helpers';

const SECRET = 'Zählerstand Wohnung 4711: 1234.5 m3';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: meter_reading, name: Zählerstand, definition: "urn:stadtdaten:property:meter_reading" }
deviceTypes:
  - id: sealed-meter
    tenant: darmstadt
    name: Meter with end-to-end encryption
    payloadFormat: json
    fields:
      - { field: reading, observedProperty: meter_reading, unit: "1", type: jwe, recipientKid: billing-app-1 }
things:
  - { tenant: darmstadt, id: house-9, name: Haus 9, useCase: energy, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: sealed-1, type: sealed-meter, thing: house-9, classification: internal }
`;

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

describe('end-to-end encrypted datastream', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let dataDir: string;
  let deviceToken: string;
  let reader: string;
  const logLines: string[] = [];
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    ({ platform, cleanup, dataDir } = await startTestPlatform({ logSink: (line) => logLines.push(line) }));
    await applyCatalog(platform, CATALOG);
    deviceToken = await platform.issueToken('darmstadt', ['device'], 'sealed-meters');
    reader = await platform.issueToken('darmstadt', ['analyst'], 'billing-app');
    keys = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  });

  afterAll(() => cleanup());

  async function seal(header: Record<string, unknown>): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(SECRET))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'billing-app-1', ...header })
      .encrypt(keys.publicKey);
  }

  async function send(time: string, reading: string) {
    const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=sealed-1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time, reading }),
    });
    expect(response.status).toBe(202);
  }

  const envelope = (time: string) => ({ 'sd:tenant': 'darmstadt', 'sd:device': 'sealed-1', 'sd:field': 'reading', 'sd:time': time });

  it('stores and returns the ciphertext, which only the application decrypts', async () => {
    const time = '2026-11-30T08:00:00.000Z';
    const jwe = await seal(envelope(time));
    await send(time, jwe);

    const { body } = await waitFor(
      () => getJson(platform, '/api/v1/tenants/darmstadt/datastreams/sealed-1.reading/observations?from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z', reader),
      (response) => response.body.observations?.length === 1,
    );
    expect(body.observations[0].result).toBe(jwe);
    const { plaintext } = await compactDecrypt(body.observations[0].result, keys.privateKey);
    expect(new TextDecoder().decode(plaintext)).toBe(SECRET);
    expect(JSON.stringify(await exportJWK(keys.publicKey))).not.toContain(SECRET);
  });

  it.each([
    ['another tenant', { 'sd:tenant': 'heag' }, 'header sd:tenant is "heag"'],
    ['another device', { 'sd:device': 'sealed-2' }, 'header sd:device is "sealed-2"'],
    ['another time', { 'sd:time': '2026-11-30T09:00:00.000Z' }, 'header sd:time is "2026-11-30T09:00:00.000Z"'],
    ['another key', { kid: 'someone-else' }, 'kid "someone-else" is not the key of the owning application'],
  ])('rejects an envelope naming %s', async (_case, override, detail) => {
    const time = '2026-11-30T10:00:00.000Z';
    await send(time, await seal({ ...envelope(time), ...override }));
    const admin = await platform.issueToken('darmstadt', ['tenant-admin'], 'admin');

    const { body } = await waitFor(
      () => getJson(platform, '/api/v1/tenants/darmstadt/rejections?device=sealed-1', admin),
      (response) => response.body.items?.some((item: { detail: string }) => item.detail.includes(detail)),
    );
    expect(body.items.find((item: { detail: string }) => item.detail.includes(detail)).reasonCode).toBe('INVALID_PAYLOAD');
  });

  it('rejects a plain value for an encrypted datastream', async () => {
    await send('2026-11-30T11:00:00.000Z', 'plain reading 999');
    const admin = await platform.issueToken('darmstadt', ['tenant-admin'], 'admin');
    await waitFor(
      () => getJson(platform, '/api/v1/tenants/darmstadt/rejections?device=sealed-1', admin),
      (response) => response.body.items?.some((item: { detail: string }) => item.detail.includes('expected a JWE in compact serialization')),
    );
  });

  it('leaves the plaintext of encrypted values in no file or log line', async () => {
    await platform.stop();
    const files = filesBelow(dataDir);
    const secret = Buffer.from(new TextEncoder().encode('4711: 1234.5'));
    const leaks = files.filter((file) => readFileSync(file).includes(secret));

    expect(files.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
    expect(logLines.filter((line) => line.includes('4711: 1234.5'))).toEqual([]);
  });
});
