import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type RunningPlatform, startPlatform } from '../src/platform';

/**
 * Starts a fresh platform on free ports in a temporary data folder, without the demo. The
 * analytics jobs stay off (STADTDATEN_ANALYTICS=false) unless `analytics` is true, so tests
 * about other parts do not share the cores with them. `env` adds further STADTDATEN_* settings.
 */
export async function startTestPlatform(
  options: {
    demo?: boolean;
    dataDir?: string;
    connectorsFile?: string;
    logSink?: (line: string) => void;
    analytics?: boolean;
    env?: Record<string, string>;
  } = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stadtdaten-test-'));
  const sink = options.logSink;
  const logger =
    sink === undefined
      ? pino({ level: process.env.STADTDATEN_TEST_LOG_LEVEL ?? 'silent' })
      : pino({ level: 'debug' }, { write: (line: string) => sink(line) });
  const platform = await startPlatform({
    dataDir,
    httpPort: 0,
    mqttPort: 0,
    demo: options.demo ?? false,
    connectorsFile: options.connectorsFile,
    env: { STADTDATEN_ANALYTICS: String(options.analytics ?? false), ...options.env },
    logger,
  });

  return { platform, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Polls until `probe` returns a value that `done` accepts; fails after timeoutMs. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }

  return last;
}

export async function getJson(platform: RunningPlatform, path: string, token?: string) {
  const response = await fetch(`${platform.httpUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

  return { status: response.status, body: (await response.json()) as any };
}

export async function applyCatalog(platform: RunningPlatform, yaml: string) {
  const token = await platform.issueToken('platform', ['platform-admin']);
  const response = await fetch(`${platform.httpUrl}/api/v1/catalog`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml', 'accept-language': 'en' },
    body: yaml,
  });
  const body = (await response.json()) as any;
  if (!response.ok) {
    throw new Error(`catalog rejected: ${body.detail}`);
  }

  return body;
}

/** Catalog of tenant darmstadt with a water-meter device type (field litres, unit L), followed by the given things and devices. */
export function waterMeterCatalog(thingsAndDevices: string): string {
  return `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: water_use, name: Wasserverbrauch, definition: "urn:stadtdaten:property:water_use" }
deviceTypes:
  - id: meter
    tenant: darmstadt
    name: Water meter
    payloadFormat: json
    fields:
      - { field: litres, observedProperty: water_use, unit: "L", type: number, min: 0, max: 100000 }
${thingsAndDevices.trim()}
`;
}
