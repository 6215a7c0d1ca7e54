import { type Operation, type OpenApiParameter, expandPath, listOperations } from './openapi-operations';
import { type CallResult, type HostilePlatform, HOSTILE_CATALOG, TENANT_A, call, leakedSecrets, startHostilePlatform } from './hostile-platform';
import { waitFor } from '../helpers';

/**
 * SQL, InfluxQL and OData fragments, characters with a meaning in LIKE and paths, text no parser
 * expects, and numbers beyond what a Date or a 64-bit integer holds.
 */
const HOSTILE_VALUES = [
  "'",
  '"',
  "';--",
  "' OR 1=1 --",
  '" OR ""="',
  '1; DROP TABLE rejections; --',
  "a-meter' UNION SELECT * FROM rejections --",
  '%',
  '_',
  '*',
  '\\',
  "' OR \"tenant\" =~ /.*/ --",
  '"; DROP DATABASE "stadtdaten"; --',
  "') OR time > 0 --",
  "x' or 1 eq 1 or 'x' eq 'x",
  '../../../etc/passwd',
  'Ünïcödé 💩 \u202e\u0301',
  'nul\u0000byte',
  'line\nbreak\r',
  'x'.repeat(8_000),
  '99999999999999999999',
  '-8640000000000001',
  'NaN',
  'Infinity',
  '1e400',
];

/**
 * Values with quote, comment, wildcard or boolean syntax of SQL, InfluxQL or OData. Such a value
 * must return no more data than a value that matches nothing. The other hostile values may be
 * valid input, such as a constant as OData `$orderby` expression, and are checked for status only.
 */
const INJECTION_SYNTAX = /['";%*_\\]|--|\bor\b/i;

/** A value that matches nothing and means nothing to any parser; the baseline of every comparison. */
const NEUTRAL_VALUE = 'no-such-value';

/** Values that only tenant A's data contains, one per datastream or rejection. */
const A_VALUES = { publicValue: 111.125, internalValue: 222.375, rejectedValue: 33_333.5 };
const A_MARKERS = Object.values(A_VALUES).map(String);

interface Probe {
  operation: Operation;
  parameter: OpenApiParameter;
  value: string;
}

describe('injection in parameters', () => {
  let hostile: HostilePlatform;
  let operations: Operation[];
  let adminTokens: string[];
  let nextToken = 0;
  let observationId: string;

  /** Tenant A's resources for every path parameter, so that only the parameter under test varies. */
  function baseValue(parameter: OpenApiParameter, path: string): string {
    if (parameter.name === 'tenant') {
      return TENANT_A;
    }
    if (parameter.schema?.enum !== undefined) {
      return String(parameter.schema.enum.find((value) => value === 'Datastreams') ?? parameter.schema.enum[0]);
    }
    if (parameter.name === 'navigation') {
      return 'Observations';
    }
    const before = path.slice(0, path.indexOf(`{${parameter.name}}`));
    const segment = before.split('/').filter((part) => part !== '' && !part.startsWith('{')).pop() ?? '';
    const id = segment === 'things' ? 'luisenplatz' : segment === 'observations' ? observationId : 'a-meter.level';

    return path.includes(`({${parameter.name}})`) ? `'${id}'` : id;
  }

  function urlOf(operation: Operation, probe?: { parameter: OpenApiParameter; value: string }): string {
    const [{ path }] = expandPath(operation, (parameter) =>
      probe?.parameter === parameter ? [probe.value] : [baseValue(parameter, operation.path)],
    );
    const query = operation.parameters
      .filter((parameter) => parameter.in === 'query' && (parameter.required || parameter === probe?.parameter))
      .map((parameter) => {
        const value = parameter === probe?.parameter ? probe.value : parameter.name === 'device' ? 'a-meter' : NEUTRAL_VALUE;

        return `${encodeURIComponent(parameter.name)}=${encodeURIComponent(value)}`;
      });

    return `${operation.serverUrl}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  }

  function bodyOf(operation: Operation): { body?: string; contentType?: string } {
    if (operation.bodyTypes.length === 0) {
      return {};
    }
    if (operation.path === '/catalog') {
      return { body: HOSTILE_CATALOG, contentType: 'application/yaml' };
    }
    if (!operation.bodyTypes.includes('application/json')) {
      return { body: JSON.stringify({ level: 1 }), contentType: 'application/json' };
    }

    return { body: operation.jsonBodyType === 'array' ? '[]' : '{"description":"injection test"}', contentType: 'application/json' };
  }

  /** Sends with a platform-admin token, so no role check stops the request before the parameter is read. */
  function send(operation: Operation, url: string): Promise<CallResult> {
    const token = adminTokens[nextToken++ % adminTokens.length];

    return call(hostile.platform, operation.method, url, { token, ...bodyOf(operation) });
  }

  function markersIn(text: string): string[] {
    return A_MARKERS.filter((marker) => text.includes(marker));
  }

  beforeAll(async () => {
    hostile = await startHostilePlatform();
    // Several subjects, so that the requests of this suite spread over several rate-limit buckets.
    adminTokens = await Promise.all([1, 2, 3, 4].map((n) => hostile.platform.issueToken('platform', ['platform-admin'], `injection-${n}`)));
    const deviceA = await hostile.platform.issueToken(TENANT_A, ['device'], 'device-a');
    const time = new Date(hostile.phenomenonTimeMs).toISOString();
    for (const [device, level] of [
      ['a-meter', A_VALUES.publicValue],
      ['a-hidden', A_VALUES.internalValue],
      ['a-meter', A_VALUES.rejectedValue],
    ] as const) {
      const response = await call(hostile.platform, 'POST', `/api/v1/ingest?device=${device}`, {
        token: deviceA,
        contentType: 'application/json',
        body: JSON.stringify({ time, level }),
      });
      expect(response.status).toBe(202);
    }
    const stored = await waitFor(
      () => call(hostile.platform, 'GET', `/api/v1/tenants/${TENANT_A}/datastreams/a-meter.level/observations`),
      (response) => response.text.includes(String(A_VALUES.publicValue)),
    );
    observationId = (JSON.parse(stored.text) as { observations: Array<{ id: string }> }).observations[0]!.id;
    await waitFor(
      () => call(hostile.platform, 'GET', `/api/v1/tenants/${TENANT_A}/rejections`, { token: adminTokens[0] }),
      (response) => response.text.includes(String(A_VALUES.rejectedValue)),
    );

    const document = await call(hostile.platform, 'GET', '/api/v1/openapi.json');
    operations = listOperations(JSON.parse(document.text));
  });

  afterAll(async () => {
    await hostile.platform.stop();
    hostile.cleanup();
  });

  it('answers hostile values without 5xx or extra data', async () => {
    const failures: string[] = [];
    const probes: Probe[] = operations.flatMap((operation) =>
      operation.parameters
        .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
        .flatMap((parameter) => HOSTILE_VALUES.map((value) => ({ operation, parameter, value }))),
    );
    const baselines = new Map<string, string[]>();

    for (const probe of probes) {
      const { operation, parameter } = probe;
      const key = `${operation.method} ${operation.path} ${parameter.name}`;
      if (!baselines.has(key)) {
        const neutral = await send(operation, urlOf(operation, { parameter, value: NEUTRAL_VALUE }));
        baselines.set(key, markersIn(neutral.text));
      }
      const result = await send(operation, urlOf(operation, probe));
      const where = `${key} = ${JSON.stringify(probe.value.slice(0, 40))}`;

      if (result.status >= 500) {
        failures.push(`${where}: ${result.status} ${result.text.slice(0, 200)}`);
      } else if (result.status >= 400 && result.status !== 431) {
        const problem = result.headers.get('content-type')?.startsWith('application/problem+json') ? JSON.parse(result.text) : undefined;
        if (typeof problem?.detail !== 'string' || problem.detail.length === 0) {
          failures.push(`${where}: ${result.status} without a problem detail: ${result.text.slice(0, 200)}`);
        }
      }
      const leaked = leakedSecrets(result.text);
      if (leaked.length > 0) {
        failures.push(`${where}: ${result.status} returned another tenant's ${leaked.join(', ')}`);
      }
      const extra = markersIn(result.text).filter((marker) => !baselines.get(key)!.includes(marker));
      if (INJECTION_SYNTAX.test(probe.value) && extra.length > 0) {
        failures.push(`${where}: ${result.status} returned ${extra.join(', ')}, which "${NEUTRAL_VALUE}" does not`);
      }
    }

    expect(probes.length).toBeGreaterThan(HOSTILE_VALUES.length * 10);
    expect(failures).toEqual([]);
  });

  it('stores hostile device ids in the dead letter as sent', async () => {
    const token = await hostile.platform.issueToken(TENANT_A, ['tenant-admin'], 'dead-letter-reader');
    const deviceToken = await hostile.platform.issueToken(TENANT_A, ['device'], 'device-a');
    const devices = HOSTILE_VALUES.filter((value) => value.length < 1_000);
    for (const device of devices) {
      const response = await call(hostile.platform, 'POST', `/api/v1/ingest?device=${encodeURIComponent(device)}`, {
        token: deviceToken,
        contentType: 'application/json',
        body: '{"level": 1}',
      });
      expect(response.status).toBe(202);
    }

    for (const device of devices) {
      const path = `/api/v1/tenants/${TENANT_A}/rejections?device=${encodeURIComponent(device)}`;
      const { text } = await waitFor(
        () => call(hostile.platform, 'GET', path, { token }),
        (response) => response.status === 200 && (JSON.parse(response.text) as { total: number }).total > 0,
      );
      const page = JSON.parse(text) as { total: number; items: Array<{ deviceId: string; reasonCode: string }> };

      expect(page.items.map((item) => [item.deviceId, item.reasonCode])).toEqual([[device, 'UNKNOWN_DEVICE']]);
    }
  });
});
