import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, startTestPlatform, waitFor } from '../helpers';

/** Tenant of the caller in the hostile tests. */
export const TENANT_A = 'darmstadt';
/** Tenant whose data the caller must never see. */
export const TENANT_B = 'heag';

/**
 * Values that only tenant B's data contains; a request of tenant A never sends them, so
 * finding one in a response means tenant B's data leaked.
 */
export const SECRETS = {
  thingName: 'Geheimdepot Pallaswiesenstraße',
  datastreamName: 'Vertraulicher Füllstand HEAG',
  internalValue: 4711.0815,
  personalValue: 1234.5678,
  rejectedValue: 987654.321,
};

/** Ids of tenant B's resources, which tenant A's requests name. */
export const B_IDS = {
  thing: 'heag-depot',
  internalDevice: 'heag-meter',
  personalDevice: 'heag-badge',
  internalDatastream: 'heag-meter.level',
  personalDatastream: 'heag-badge.level',
};

export const HOSTILE_CATALOG = `
tenants:
  - { id: ${TENANT_A}, name: Darmstadt }
  - { id: ${TENANT_B}, name: HEAG }
observedProperties:
  - { id: fill_level, name: Füllstand, definition: "urn:stadtdaten:property:fill_level" }
deviceTypes:
  - id: level-meter
    tenant: ${TENANT_A}
    name: Level meter
    payloadFormat: json
    fields:
      - { field: level, observedProperty: fill_level, unit: "%", type: number, min: 0, max: 10000 }
  - id: level-meter
    tenant: ${TENANT_B}
    name: Level meter
    payloadFormat: json
    fields:
      - { field: level, observedProperty: fill_level, unit: "%", type: number, min: 0, max: 10000 }
things:
  - { tenant: ${TENANT_A}, id: luisenplatz, name: Luisenplatz, useCase: waste, location: { type: Point, coordinates: [8.6512, 49.8728] } }
  - { tenant: ${TENANT_B}, id: ${B_IDS.thing}, name: "${SECRETS.thingName}", useCase: waste, location: { type: Point, coordinates: [8.6301, 49.8801] } }
devices:
  - { tenant: ${TENANT_A}, id: a-meter, type: level-meter, thing: luisenplatz, classification: public }
  - { tenant: ${TENANT_A}, id: a-hidden, type: level-meter, thing: luisenplatz, classification: internal }
  - tenant: ${TENANT_B}
    id: ${B_IDS.internalDevice}
    type: level-meter
    thing: ${B_IDS.thing}
    classification: internal
    datastreams: { level: { name: "${SECRETS.datastreamName}" } }
  - { tenant: ${TENANT_B}, id: ${B_IDS.personalDevice}, type: level-meter, thing: ${B_IDS.thing}, classification: personal }
`;

export interface CallResult {
  status: number;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: string;
  contentType?: string;
}

const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Sends one request to the platform and reads the whole body, failing after 30 s. A 429 is
 * retried after its Retry-After, up to three times, as a well-behaved client does.
 */
export async function call(platform: RunningPlatform, method: string, url: string, options: CallOptions = {}): Promise<CallResult> {
  const target = url.startsWith('http') ? url : `${platform.httpUrl}${url}`;
  if (!target.startsWith(platform.httpUrl)) {
    throw new Error(`refusing to send a request to ${target}: only ${platform.httpUrl} is under test`);
  }
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.contentType !== undefined) {
    headers['content-type'] = options.contentType;
  }

  for (let attempt = 0; ; attempt += 1) {
    // A request that takes longer than this counts as a hang and fails the test.
    const response = await fetch(target, { method, headers, body: options.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    const retryAfterSeconds = Number(response.headers.get('retry-after'));
    if (response.status !== 429 || attempt >= MAX_RATE_LIMIT_RETRIES || !(retryAfterSeconds > 0)) {
      return { status: response.status, text, headers: response.headers };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterSeconds * 1000, MAX_RETRY_WAIT_MS)));
  }
}

export interface HostilePlatform {
  platform: RunningPlatform;
  cleanup: () => void;
  /** Tenant A with the roles analyst and tenant-admin. */
  tokenA: string;
  /** Tenant B's administrator, who may read every one of its datastreams. */
  tokenB: string;
  deviceTokenB: string;
  platformAdmin: string;
  /** Id of tenant B's stored internal observation. */
  observationId: string;
  /** Phenomenon time of tenant B's stored observations, in epoch milliseconds. */
  phenomenonTimeMs: number;
}

/**
 * Starts a platform with tenants A and B, and stores tenant B's secrets: an internal and a
 * personal observation and a rejected reading, each sent one hour ago.
 */
export async function startHostilePlatform(): Promise<HostilePlatform> {
  const { platform, cleanup } = await startTestPlatform();
  await applyCatalog(platform, HOSTILE_CATALOG);
  const tokenA = await platform.issueToken(TENANT_A, ['analyst', 'tenant-admin'], 'analyst-a');
  const tokenB = await platform.issueToken(TENANT_B, ['analyst', 'tenant-admin', 'personal-data-reader'], 'admin-b');
  const deviceTokenB = await platform.issueToken(TENANT_B, ['device'], 'device-b');
  const platformAdmin = await platform.issueToken('platform', ['platform-admin'], 'platform-admin');

  const phenomenonTimeMs = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
  const time = new Date(phenomenonTimeMs).toISOString();
  const send = async (device: string, level: number) => {
    const response = await call(platform, 'POST', `/api/v1/ingest?device=${device}`, {
      token: deviceTokenB,
      contentType: 'application/json',
      body: JSON.stringify({ time, level }),
    });
    if (response.status !== 202) {
      throw new Error(`seeding tenant ${TENANT_B} failed: ${response.status} ${response.text}`);
    }
  };
  await send(B_IDS.internalDevice, SECRETS.internalValue);
  await send(B_IDS.personalDevice, SECRETS.personalValue);
  await send(B_IDS.internalDevice, SECRETS.rejectedValue);

  const observationsOf = (datastream: string) =>
    call(platform, 'GET', `/api/v1/tenants/${TENANT_B}/datastreams/${datastream}/observations`, { token: tokenB });
  const stored = await waitFor(
    () => observationsOf(B_IDS.internalDatastream),
    (response) => response.text.includes(String(SECRETS.internalValue)),
  );
  await waitFor(
    () => observationsOf(B_IDS.personalDatastream),
    (response) => response.text.includes(String(SECRETS.personalValue)),
  );
  await waitFor(
    () => call(platform, 'GET', `/api/v1/tenants/${TENANT_B}/rejections`, { token: tokenB }),
    (response) => response.text.includes(String(SECRETS.rejectedValue)),
  );
  const observationId = (JSON.parse(stored.text) as { observations: Array<{ id: string }> }).observations[0]!.id;
  // The proof is written by the storage writer after the observation; wait until it is served.
  await waitFor(
    () => call(platform, 'GET', `/api/v1/observations/${observationId}/proof`, { token: tokenB }),
    (response) => response.status === 200,
  );

  return { platform, cleanup, tokenA, tokenB, deviceTokenB, platformAdmin, observationId, phenomenonTimeMs };
}

/** Every spelling of tenant B's secrets that a JSON, CSV or problem body could contain. */
export function secretSpellings(): string[] {
  const numbers = [SECRETS.internalValue, SECRETS.personalValue, SECRETS.rejectedValue].map(String);

  return [
    SECRETS.thingName,
    SECRETS.datastreamName,
    ...numbers,
    ...numbers.map((text) => text.replace('.', ',')),
  ];
}

/** The secrets that occur in `text`. */
export function leakedSecrets(text: string): string[] {
  return secretSpellings().filter((secret) => text.includes(secret));
}
