/**
 * OpenAPI paths of signatures, keys, the audit log, erasure requests and connectors. The
 * connector routes are served by the ingest gateway; in embedded mode on the same port.
 */
const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const bearer = [{ bearer: [] }];
const publicRead = [{}, { bearer: [] }];
const tenantParam = { name: 'tenant', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' } };

const runReport = {
  type: 'object',
  description: 'One connector run: counts of inputs, values published, dropped, dead-lettered, missing and deferred.',
  properties: {
    connector: { type: 'string' },
    tenant: { type: 'string' },
    trigger: { enum: ['schedule', 'manual', 'start'] },
    startedAtMs: { type: 'number' },
    finishedAtMs: { type: 'number' },
    outcome: { enum: ['running', 'succeeded', 'not-modified', 'failed'] },
    records: { type: 'integer' },
    published: { type: 'integer' },
    dropped: { type: 'integer' },
    deadLettered: { type: 'integer' },
    missing: { type: 'integer' },
    deferred: { type: 'integer' },
    error: { type: 'string' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
};
const connectorStatus = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    tenant: { type: 'string' },
    decoder: { type: 'string' },
    source: { type: 'string' },
    schedule: { type: 'string' },
    nextRunAt: { type: 'string', format: 'date-time' },
    running: { type: 'boolean' },
    lastRun: runReport,
    lastSuccessAt: { type: 'string', format: 'date-time' },
  },
};

export function platformOperationPaths() {
  return {
    '/jwks.json': {
      get: {
        summary: 'Public keys of every signing key ever used (JWKS)',
        security: publicRead,
        responses: { 200: { content: { 'application/jwk-set+json': { schema: { type: 'object', properties: { keys: { type: 'array' } } } } } }, default: problem },
      },
    },
    '/observations/{id}/proof': {
      get: {
        summary: 'Signed fields, inclusion proof and signed batch of one observation',
        security: publicRead,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: json({ type: 'object', required: ['observation', 'proof', 'batch'], properties: { observationId: { type: 'string' }, observation: { type: 'object' }, proof: { type: 'object' }, batch: { type: 'object' }, jwksUri: { type: 'string' } } }),
          default: problem,
        },
      },
    },
    '/signing-keys/rotations': {
      post: {
        summary: 'Make a new signing key active (platform-admin); earlier keys stay published',
        security: bearer,
        responses: { 201: json({ type: 'object', properties: { activeKeyId: { type: 'string' }, jwks: { type: 'object' } } }), default: problem },
      },
    },
    '/audit': {
      get: {
        summary: 'Audit log entries, newest first (platform-admin)',
        security: bearer,
        parameters: [
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'action', in: 'query', schema: { type: 'string' } },
          { name: 'tenant', in: 'query', schema: { type: 'string' } },
          { name: 'subject', in: 'query', schema: { type: 'string' } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } } }), default: problem },
      },
    },
    '/audit/verification': {
      get: {
        summary: 'Walk the hash chain of the audit log and report the first broken entry (platform-admin)',
        security: bearer,
        responses: { 200: json({ type: 'object', properties: { valid: { type: 'boolean' }, checked: { type: 'integer' } } }), default: problem },
      },
    },
    '/tenants/{tenant}/devices': {
      get: {
        summary: 'Devices of a tenant with device type and datastream ids (tenant-admin, analyst)',
        security: bearer,
        parameters: [tenantParam],
        responses: { 200: json({ type: 'array', items: { type: 'object' } }), default: problem },
      },
    },
    '/tenants/{tenant}/devices/{deviceId}/personal-data': {
      delete: {
        summary: "Erase a device's personal observations, their signed copies and its dead-letter entries (tenant-admin)",
        security: bearer,
        parameters: [tenantParam, { name: 'deviceId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: json({ type: 'object', properties: { deviceId: { type: 'string' }, datastreams: { type: 'array', items: { type: 'string' } }, observations: { type: 'integer' }, signatures: { type: 'integer' }, rejections: { type: 'integer' } } }),
          default: problem,
        },
      },
    },
    '/connectors': {
      get: {
        summary: 'Connectors with schedule and last run (tenant-admin: own tenant; platform-admin: all)',
        security: bearer,
        parameters: [{ name: 'tenant', in: 'query', schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: connectorStatus }, decoders: { type: 'array', items: { type: 'string' } } } }), default: problem },
      },
    },
    '/connectors/{name}': {
      get: {
        summary: 'One connector with its last run',
        security: bearer,
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json(connectorStatus), default: problem },
      },
    },
    '/connectors/{name}/runs': {
      post: {
        summary: 'Start a run now; returns 202 at once, the status shows its progress',
        security: bearer,
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 202: json(connectorStatus), default: problem },
      },
    },
  };
}
