/**
 * OpenAPI paths of the analytics service: the jobs view and the data-quality status. In the
 * all-in-one platform they are served on the same port; in production the Ingress sends them
 * to the analytics service.
 */
const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const bearer = [{ bearer: [] }];
const publicRead = [{}, { bearer: [] }];
const tenantQuery = {
  name: 'tenant',
  in: 'query',
  schema: { type: 'string' },
  description: 'tenant to show; only a platform-admin may name a tenant other than their own',
};

/** Quality statuses from the best to the most severe problem (docs/analytics.md, "Data quality"). */
export const QUALITY_STATUSES = [
  'ok',
  'unknown',
  'stale',
  'rejecting',
  'out_of_range',
  'flat_line',
  'spike',
  'clock_skew',
];

const JOB_KINDS = [
  'rollup',
  'parking-forecast',
  'parking-occupancy',
  'air-quality-index',
  'fill-level-forecast',
  'bike-count-comparison',
  'quality',
];

const jobTenantStatus = {
  type: 'object',
  required: ['tenant', 'runs', 'failedRuns', 'errors', 'recentErrors'],
  properties: {
    tenant: { type: 'string' },
    lastRunAt: { type: 'string', format: 'date-time' },
    lastSuccessAt: { type: 'string', format: 'date-time' },
    lastDurationMs: { type: 'number' },
    runs: { type: 'integer' },
    failedRuns: { type: 'integer' },
    errors: { type: 'integer' },
    recentErrors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string', format: 'date-time' },
          code: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
    lagMs: { type: 'number', description: 'how far the output trails the input, in milliseconds' },
    lastRun: {
      type: 'object',
      additionalProperties: { type: 'number' },
      description: 'counts of the last run',
    },
  },
};

const jobStatus = {
  type: 'object',
  required: ['name', 'kind', 'trigger', 'running', 'tenants'],
  properties: {
    name: { type: 'string' },
    kind: { enum: JOB_KINDS },
    trigger: { type: 'string', description: '"every <duration>" or "on observations"' },
    running: { type: 'boolean' },
    nextRunAt: { type: 'string', format: 'date-time' },
    consumerLag: {
      type: 'integer',
      description: 'records the consumer group "analytics" has not handled (all tenants)',
    },
    tenants: { type: 'array', items: jobTenantStatus },
  },
};

const problemOfRule = {
  type: 'object',
  required: ['rule', 'detail'],
  properties: {
    rule: { enum: QUALITY_STATUSES.slice(2) },
    datastreamId: { type: 'string' },
    detail: { type: 'string' },
  },
};

const deviceQuality = {
  type: 'object',
  required: ['tenant', 'deviceId', 'status', 'problems', 'datastreams'],
  properties: {
    tenant: { type: 'string' },
    deviceId: { type: 'string' },
    status: { enum: QUALITY_STATUSES },
    since: { type: 'string', format: 'date-time' },
    problems: { type: 'array', items: problemOfRule },
    datastreams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['datastreamId', 'status'],
        properties: {
          datastreamId: { type: 'string' },
          status: { enum: QUALITY_STATUSES },
          lastReceivedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};

const publicDatastreamQuality = {
  type: 'object',
  required: ['datastreamId', 'thingId', 'deviceId', 'status'],
  properties: {
    datastreamId: { type: 'string' },
    thingId: { type: 'string' },
    deviceId: { type: 'string' },
    status: { enum: QUALITY_STATUSES },
    lastReceivedAt: {
      type: 'string',
      format: 'date-time',
      description: 'when the platform last received a reading of the datastream',
    },
  },
};

export function analyticsPaths() {
  return {
    '/jobs': {
      get: {
        summary:
          'Analytics jobs with trigger, next run and per-tenant runs, errors and lag (tenant-admin: own tenant; platform-admin: all)',
        security: bearer,
        parameters: [tenantQuery],
        responses: {
          200: json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: jobStatus } },
          }),
          default: problem,
        },
      },
    },
    '/quality': {
      get: {
        summary: 'Data-quality status of every checked device of the tenant (tenant-admin, analyst)',
        security: bearer,
        parameters: [tenantQuery, { name: 'status', in: 'query', schema: { enum: QUALITY_STATUSES } }],
        responses: {
          200: json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: deviceQuality } },
          }),
          default: problem,
        },
      },
    },
    '/quality/{deviceId}': {
      get: {
        summary: 'Data-quality status of one device (tenant-admin, analyst)',
        security: bearer,
        parameters: [
          { name: 'deviceId', in: 'path', required: true, schema: { type: 'string' } },
          tenantQuery,
        ],
        responses: { 200: json(deviceQuality), default: problem },
      },
    },
    '/quality/public/{tenant}': {
      get: {
        summary:
          'Data-quality status of the public datastreams of a tenant, without a token; the same answer for every caller, without device-wide problems and details',
        security: publicRead,
        parameters: [
          { name: 'tenant', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'thing', in: 'query', schema: { type: 'string' }, description: 'only the datastreams of this thing' },
        ],
        responses: {
          200: json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: publicDatastreamQuality } },
          }),
          default: problem,
        },
      },
    },
  };
}
