import { type Operation, type OpenApiParameter, expandPath, listOperations } from './openapi-operations';
import {
  B_IDS,
  type CallResult,
  type HostilePlatform,
  TENANT_A,
  TENANT_B,
  call,
  leakedSecrets,
  secretSpellings,
  startHostilePlatform,
} from './hostile-platform';
import { waitFor } from '../helpers';

/** Navigation properties of the SensorThings data model (OGC 18-088, section 8.2). */
const STA_NAVIGATIONS = [
  'Thing',
  'Things',
  'Locations',
  'HistoricalLocations',
  'Datastreams',
  'Datastream',
  'Sensor',
  'ObservedProperty',
  'Observations',
  'FeatureOfInterest',
];

interface Request {
  operation: Operation;
  url: string;
  body?: string;
  contentType?: string;
}

describe('tenant isolation', () => {
  let hostile: HostilePlatform;
  let operations: Operation[];
  let stateBefore: string;
  const failures: string[] = [];

  /** Tenant B's ids for a path parameter; the id of an entity set depends on the set bound before it. */
  function pathValues(parameter: OpenApiParameter, bound: Record<string, string>, path: string): string[] {
    const stored = `${hostile.phenomenonTimeMs}`;
    const idsBySet: Record<string, string[]> = {
      things: [B_IDS.thing],
      locations: [B_IDS.thing],
      historicallocations: [B_IDS.thing],
      datastreams: [B_IDS.internalDatastream, B_IDS.personalDatastream],
      sensors: [B_IDS.internalDevice, B_IDS.personalDevice],
      observations: [hostile.observationId, `${B_IDS.internalDatastream}@${stored}`, `${B_IDS.personalDatastream}@${stored}`],
      featuresofinterest: [B_IDS.thing, B_IDS.internalDatastream],
      observedproperties: ['fill_level'],
    };
    const everyId = [...new Set(Object.values(idsBySet).flat())];

    if (parameter.name === 'tenant') {
      return [TENANT_B];
    }
    if (parameter.schema?.enum !== undefined) {
      return parameter.schema.enum.map(String);
    }
    if (parameter.name === 'navigation') {
      return STA_NAVIGATIONS;
    }
    const before = path.slice(0, path.indexOf(`{${parameter.name}}`));
    const set = bound.entitySet ?? before.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).pop();
    const ids = idsBySet[(set ?? '').toLowerCase()] ?? everyId;
    const quoted = path.includes(`({${parameter.name}})`);

    return quoted ? ids.map((id) => `'${id}'`) : ids;
  }

  /** A write body that is valid for the route where the route is known, so only the tenant can fail it. */
  function bodyFor(operation: Operation): { body?: string; contentType?: string } {
    if (operation.bodyTypes.length === 0) {
      return {};
    }
    const time = new Date(hostile.phenomenonTimeMs + 60_000).toISOString();
    if (operation.path === '/catalog') {
      return {
        contentType: 'application/json',
        body: JSON.stringify({
          tenants: [{ id: TENANT_B, name: 'Taken over' }],
          things: [
            { tenant: TENANT_B, id: B_IDS.thing, name: 'changed by tenant A', useCase: 'waste', location: { type: 'Point', coordinates: [8.6, 49.8] } },
          ],
        }),
      };
    }
    if (!operation.bodyTypes.includes('application/json')) {
      return { contentType: 'application/json', body: JSON.stringify({ time, level: 1 }) };
    }
    if (operation.jsonBodyType === 'array') {
      return {
        contentType: 'application/json',
        body: JSON.stringify([
          { Datastream: { '@iot.id': B_IDS.internalDatastream }, components: ['phenomenonTime', 'result'], dataArray: [[time, 1]] },
        ]),
      };
    }

    return {
      contentType: 'application/json',
      body: JSON.stringify({ name: 'changed by tenant A', description: 'changed by tenant A', phenomenonTime: time, result: 1 }),
    };
  }

  /** Every request of the operation: each path combination, and for reads each value of an enum query parameter. */
  function requestsOf(operation: Operation): Request[] {
    const required = operation.parameters.filter((parameter) => parameter.in === 'query' && parameter.required);
    const requiredQuery = required.map((parameter) => `${parameter.name}=${parameter.name === 'device' ? B_IDS.internalDevice : 'x'}`);
    const paths = expandPath(operation, (parameter, bound) => pathValues(parameter, bound, operation.path));
    const { body, contentType } = bodyFor(operation);
    const requests: Request[] = [];

    for (const [index, { path }] of paths.entries()) {
      const variants = [requiredQuery];
      if (operation.method === 'GET' && index === 0) {
        const enums = operation.parameters.filter((parameter) => parameter.in === 'query' && !parameter.required && parameter.schema?.enum);
        for (const parameter of enums) {
          variants.push(...parameter.schema!.enum!.map((value) => [...requiredQuery, `${parameter.name}=${encodeURIComponent(String(value))}`]));
        }
      }
      for (const query of variants) {
        const url = `${operation.serverUrl}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
        requests.push({ operation, url, body, contentType });
      }
    }

    return requests;
  }

  /** Tenant B's data as its administrator reads it; any change by tenant A shows here. */
  async function tenantBState(): Promise<string> {
    const paths = [
      `/api/v1/tenants/${TENANT_B}/things`,
      `/api/v1/tenants/${TENANT_B}/datastreams`,
      `/api/v1/tenants/${TENANT_B}/rejections`,
      ...[B_IDS.internalDatastream, B_IDS.personalDatastream].map(
        (id) => `/api/v1/tenants/${TENANT_B}/datastreams/${id}/observations?from=0&to=${hostile.phenomenonTimeMs + 86_400_000}`,
      ),
    ];
    const bodies = await Promise.all(paths.map(async (path) => (await call(hostile.platform, 'GET', path, { token: hostile.tokenB })).text));

    return bodies.join('\n');
  }

  /**
   * Checks tenant A's answer. A read of tenant B must answer as it answers an anonymous caller,
   * or deny where that caller must log in; a route without a tenant in its path may serve A's
   * own tenant. A write must fail with 4xx exactly as the same write to a tenant that does not
   * exist fails, so its answer tells nothing about tenant B.
   */
  function check(request: Request, result: CallResult, comparison: CallResult | undefined) {
    const where = `${request.operation.method} ${request.url.replace(hostile.platform.httpUrl, '')}`;
    const leaked = leakedSecrets(result.text);
    if (leaked.length > 0) {
      failures.push(`${where}: ${result.status} with tenant ${TENANT_B}'s ${leaked.join(', ')}`);
    }
    if (result.status >= 500) {
      failures.push(`${where}: ${result.status} ${result.text.slice(0, 200)}`);
    }
    const hasTenant = request.operation.path.includes('{tenant}');
    if (comparison === undefined) {
      return;
    }
    if (request.operation.method === 'GET') {
      const sameAsAnonymous = result.status === comparison.status;
      const deniedWhereAnonymousMustLogIn = comparison.status === 401 && (result.status === 403 || result.status === 404);
      const ownTenantRoute = !hasTenant && comparison.status === 401 && result.status === 200;
      if (!sameAsAnonymous && !deniedWhereAnonymousMustLogIn && !ownTenantRoute) {
        failures.push(`${where}: ${result.status} for tenant ${TENANT_A}, ${comparison.status} without a token`);
      }
    } else if (result.status < 400 || result.status !== comparison.status) {
      failures.push(`${where}: ${result.status} for tenant ${TENANT_A}, ${comparison.status} for a tenant that does not exist`);
    }
  }

  /** The anonymous read, or tenant A's write to a tenant that does not exist; undefined for writes without a tenant. */
  async function comparisonOf(request: Request): Promise<CallResult | undefined> {
    if (request.operation.method === 'GET') {
      return call(hostile.platform, 'GET', request.url);
    }
    if (!request.operation.path.includes('{tenant}')) {
      return undefined;
    }
    const url = request.url.replace(new RegExp(`/tenants/${TENANT_B}(?=/|\\?|$)`), '/tenants/no-such-tenant');

    return call(hostile.platform, request.operation.method, url, {
      token: hostile.tokenA,
      body: request.body,
      contentType: request.contentType,
    });
  }

  beforeAll(async () => {
    hostile = await startHostilePlatform();
    const document = await call(hostile.platform, 'GET', '/api/v1/openapi.json');
    operations = listOperations(JSON.parse(document.text));
    stateBefore = await tenantBState();
  });

  afterAll(async () => {
    await hostile.platform.stop();
    hostile.cleanup();
  });

  it('finds tenant routes in the OpenAPI document', () => {
    const tenantRoutes = operations.filter((operation) => operation.path.includes('{tenant}'));

    expect(tenantRoutes.length).toBeGreaterThan(5);
    expect(tenantRoutes.map((operation) => `${operation.method} ${operation.path}`)).toContain(
      'GET /tenants/{tenant}/datastreams/{id}/observations',
    );
  });

  it('shows tenant B its own secrets', async () => {
    const seen = new Set<string>();
    const reads = operations.filter((operation) => operation.method === 'GET').flatMap(requestsOf);
    for (const request of reads) {
      const result = await call(hostile.platform, 'GET', request.url, { token: hostile.tokenB });
      leakedSecrets(result.text).forEach((secret) => seen.add(secret));
    }

    // Without this the absence of secrets in tenant A's answers would prove nothing.
    expect([...seen].sort()).toEqual(expect.arrayContaining(secretSpellings().filter((secret) => !secret.includes(','))));
  });

  it('denies tenant A every route of tenant B', async () => {
    const requests = operations.flatMap(requestsOf);
    for (const request of requests) {
      const { method } = request.operation;
      const result = await call(hostile.platform, method, request.url, {
        token: hostile.tokenA,
        body: request.body,
        contentType: request.contentType,
      });
      check(request, result, await comparisonOf(request));
    }

    expect(requests.length).toBeGreaterThan(operations.length);
    expect(failures).toEqual([]);
  });

  it('keeps tenant B unchanged after tenant A wrote', async () => {
    // Tenant A's ingest names tenant B's device, but the token's tenant decides: it lands in A's dead letter.
    await waitFor(
      () => call(hostile.platform, 'GET', `/api/v1/tenants/${TENANT_A}/rejections?device=${B_IDS.internalDevice}`, { token: hostile.tokenA }),
      (response) => (JSON.parse(response.text) as { total: number }).total > 0,
    );

    expect(await tenantBState()).toBe(stateBefore);
  });
});
