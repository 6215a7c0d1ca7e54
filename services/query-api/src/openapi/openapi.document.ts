import { AGGREGATES, RejectionCode, ROLES } from '@stadtdaten/contracts';
import { INTERVAL_NAMES } from '../observations/query-params';
import { mergeOpenDataPaths, openDataSchemas } from './opendata.openapi';
import { sensorThingsPaths, sensorThingsSchemas } from '../sensorthings/sensorthings.openapi';
import { platformOperationPaths } from './platform-operations.openapi';
import { AGGREGATE_SOURCE_HEADER } from '../observations/rollup-aggregate.service';
import { analyticsPaths } from './analytics.openapi';
import { latestStreamPaths, latestStreamSchemas } from './latest-stream.openapi';

const problem = { $ref: '#/components/responses/Problem' };
const tenantParam = { name: 'tenant', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const publicRead = [{}, { bearer: [] }];

/** Builds the OpenAPI 3.1 description of the REST API under /api/v1. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'stadtdaten API',
      version: '1.0.0',
      description:
        'Urban sensor data per tenant (Mandant). Public datastreams are readable without a token; ' +
        'everything else needs a bearer token of the tenant. Errors are RFC 9457 problem details, ' +
        'in German unless Accept-Language prefers English.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: {
        Problem: {
          description: 'Error (RFC 9457)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      schemas: { ...schemas(), ...latestStreamSchemas(), ...sensorThingsSchemas(), ...openDataSchemas() },
    },
    paths: mergeOpenDataPaths({
      ...paths(),
      ...latestStreamPaths(tenantParam, problem),
      ...platformOperationPaths(),
      ...analyticsPaths(),
      ...sensorThingsPaths(serverUrl.replace(/\/api\/v1$/, '')),
    }),
  };
}

function schemas() {
  return {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string' },
        instance: { type: 'string' },
      },
    },
    Tenant: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
    Thing: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        useCase: { type: 'string' },
        location: { type: 'object', description: 'GeoJSON geometry, WGS 84' },
        properties: { type: 'object' },
        datastreamIds: { type: 'array', items: { type: 'string' } },
      },
    },
    Datastream: {
      type: 'object',
      properties: {
        id: { type: 'string', description: '<deviceId>.<field>' },
        name: { type: 'string' },
        thingId: { type: 'string' },
        deviceId: { type: 'string' },
        observedProperty: { type: 'object' },
        unit: { type: 'object', properties: { code: { type: 'string', description: 'UCUM' }, symbol: { type: 'string' } } },
        valueSchema: { type: 'object' },
        classification: { enum: ['public', 'internal', 'personal'] },
        retentionDays: { type: ['integer', 'null'] },
        storageProfile: { type: 'string' },
        retired: { type: 'boolean' },
      },
    },
    ObservationPage: {
      type: 'object',
      properties: {
        datastreamId: { type: 'string' },
        unit: { type: 'string' },
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        aggregate: { enum: [...AGGREGATES] },
        interval: { enum: INTERVAL_NAMES },
        observations: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              phenomenonTime: { type: 'string', format: 'date-time' },
              resultTime: { type: 'string', format: 'date-time' },
              result: {},
              count: { type: 'integer' },
            },
          },
        },
      },
    },
    Rejection: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        reasonCode: { enum: Object.values(RejectionCode) },
        detail: { type: 'string' },
        deviceId: { type: 'string' },
        field: { type: 'string' },
        entryIndex: { type: 'integer' },
        receivedAt: { type: 'string', format: 'date-time' },
        payloadBase64: { type: 'string' },
        state: { enum: ['open', 'resubmitted'], description: 'resubmitted: an operator sent the corrected message again (POST /ingest?rejection=<id>)' },
        resubmittedAt: { type: ['string', 'null'], format: 'date-time' },
        resubmittedBy: { type: ['string', 'null'], description: 'Token subject of the operator who sent the corrected message' },
      },
    },
  };
}

function paths() {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const timeParams = [
    { name: 'from', in: 'query', schema: { type: 'string' }, description: 'ISO 8601 with offset, or epoch ms; default: 24 h before "to"' },
    { name: 'to', in: 'query', schema: { type: 'string' }, description: 'ISO 8601 with offset, or epoch ms; default: now' },
  ];

  return {
    '/tenants': { get: { summary: 'List tenants', security: publicRead, responses: { 200: json({ type: 'array', items: ref('Tenant') }) } } },
    '/tenants/{tenant}/things': {
      get: { summary: 'List things with their locations', security: publicRead, parameters: [tenantParam], responses: { 200: json({ type: 'array', items: ref('Thing') }), default: problem } },
    },
    '/tenants/{tenant}/things/{id}': {
      get: { summary: 'Get a thing', security: publicRead, parameters: [tenantParam, idParam], responses: { 200: json(ref('Thing')), default: problem } },
    },
    '/tenants/{tenant}/datastreams': {
      get: {
        summary: 'List datastreams',
        security: publicRead,
        parameters: [tenantParam, { name: 'thing', in: 'query', schema: { type: 'string' } }],
        responses: { 200: json({ type: 'array', items: ref('Datastream') }), default: problem },
      },
    },
    '/tenants/{tenant}/datastreams/{id}': {
      get: { summary: 'Get a datastream', security: publicRead, parameters: [tenantParam, idParam], responses: { 200: json(ref('Datastream')), default: problem } },
      patch: {
        summary: 'Change a datastream (tenant-admin)',
        security: [{ bearer: [] }],
        parameters: [tenantParam, idParam],
        requestBody: json({ type: 'object' }),
        responses: { 200: json(ref('Datastream')), default: problem },
      },
    },
    '/tenants/{tenant}/datastreams/{id}/observations': {
      get: {
        summary: 'Observations of a range: raw, aggregated per interval, or exported',
        security: publicRead,
        parameters: [
          tenantParam,
          idParam,
          ...timeParams,
          { name: 'aggregate', in: 'query', schema: { enum: [...AGGREGATES] } },
          { name: 'interval', in: 'query', schema: { enum: INTERVAL_NAMES } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
          { name: 'order', in: 'query', schema: { enum: ['asc', 'desc'] } },
          { name: 'format', in: 'query', schema: { enum: ['json', 'csv', 'csv-de'] }, description: 'csv-de: ";" separator, decimal comma, UTF-8 BOM' },
        ],
        responses: {
          200: {
            description: 'Observations',
            headers: {
              [AGGREGATE_SOURCE_HEADER]: {
                description:
                  'With aggregate or interval: "raw", or "rollup-<level>" when whole buckets of that level came from the analytics rollups and the edges of the range from the raw observations',
                schema: { enum: ['raw', 'rollup-1m', 'rollup-1h', 'rollup-1d'] },
              },
            },
            content: { 'application/json': { schema: ref('ObservationPage') }, 'text/csv': { schema: { type: 'string' } } },
          },
          default: problem,
        },
      },
    },
    '/tenants/{tenant}/latest': {
      get: { summary: 'Latest value of each readable datastream', security: publicRead, parameters: [tenantParam], responses: { 200: json({ type: 'array', items: { type: 'object' } }), default: problem } },
    },
    '/tenants/{tenant}/rejections': {
      get: {
        summary: 'Dead letter: rejected readings with their reasons (tenant-admin)',
        security: [{ bearer: [] }],
        parameters: [
          tenantParam,
          ...timeParams,
          { name: 'reason', in: 'query', schema: { enum: Object.values(RejectionCode) } },
          { name: 'device', in: 'query', schema: { type: 'string' } },
          { name: 'state', in: 'query', schema: { enum: ['open', 'resubmitted', 'all'], default: 'all' }, description: 'open: not yet sent again; resubmitted: sent again' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
        ],
        responses: { 200: json({ type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: ref('Rejection') } } }), default: problem },
      },
    },
    '/catalog': {
      post: {
        summary: `Apply a catalog document (YAML or JSON); idempotent. Roles: ${ROLES.slice(0, 2).join(', ')}`,
        security: [{ bearer: [] }],
        parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'boolean' } }],
        requestBody: { content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } },
        responses: { 200: json({ type: 'object' }), default: problem },
      },
    },
    '/ingest': {
      post: {
        summary: 'Send one payload of a device (roles device, tenant-admin); the tenant comes from the token',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'device', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'format', in: 'query', schema: { enum: ['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'loriot', 'sensor-community'] } },
          {
            name: 'rejection',
            in: 'query',
            schema: { type: 'string', minLength: 1 },
            description: 'Id of the rejection whose corrected message the body is (tenant-admin). Marks it as re-submitted; 404 when unknown, 409 when re-submitted already.',
          },
        ],
        requestBody: { required: true, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          202: json({
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { const: 'accepted' },
              rejection: {
                type: 'object',
                description: 'Only with the rejection parameter',
                properties: { id: { type: 'string' }, state: { const: 'resubmitted' }, resubmittedAt: { type: 'string', format: 'date-time' }, resubmittedBy: { type: 'string' } },
              },
            },
          }),
          default: problem,
        },
      },
    },
  };
}
