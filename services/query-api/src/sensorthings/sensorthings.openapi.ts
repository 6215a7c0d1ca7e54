import { AGGREGATES } from '@stadtdaten/contracts';
import { ENTITY_SETS } from '@stadtdaten/sensorthings';

const PREFIX = '/sta/v1.1/tenants/{tenant}';
const TAGS = ['SensorThings'];
const problem = { $ref: '#/components/responses/Problem' };
const publicRead = [{}, { bearer: [] }];
const write = [{ bearer: [] }];
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const tenantParam = {
  name: 'tenant',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' },
};
const entitySetParam = {
  name: 'entitySet',
  in: 'path',
  required: true,
  schema: { enum: Object.keys(ENTITY_SETS) },
};
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description:
    "The id in single quotes, e.g. 'luisenplatz'; Observations have ids '<datastream id>@<phenomenon time in epoch ms>'",
  schema: { type: 'string' },
};
const navigationParam = {
  name: 'navigation',
  in: 'path',
  required: true,
  description: 'A navigation property, e.g. Datastreams or Thing',
  schema: { type: 'string' },
};

const queryOptions = [
  {
    name: '$filter',
    in: 'query',
    schema: { type: 'string' },
    description: 'OData expression, e.g. result gt 5 and phenomenonTime ge 2026-03-01T00:00:00Z',
  },
  {
    name: '$expand',
    in: 'query',
    schema: { type: 'string' },
    description: 'e.g. Datastreams($top=1;$expand=Observations($orderby=phenomenonTime desc;$top=1))',
  },
  { name: '$select', in: 'query', schema: { type: 'string' } },
  { name: '$orderby', in: 'query', schema: { type: 'string' }, description: 'e.g. phenomenonTime desc' },
  {
    name: '$top',
    in: 'query',
    schema: { type: 'integer', minimum: 0, default: 100 },
    description: 'larger values are served in pages of at most 1,000',
  },
  { name: '$skip', in: 'query', schema: { type: 'integer', minimum: 0 } },
  { name: '$count', in: 'query', schema: { type: 'boolean' } },
  { name: '$resultFormat', in: 'query', schema: { enum: ['dataArray'] }, description: 'Observations only' },
  {
    name: '$skiptoken',
    in: 'query',
    schema: { type: 'string' },
    description: 'position of an @iot.nextLink of Observations; follow the link as given',
  },
];

const aggregationOptions = [
  {
    name: '$aggregate',
    in: 'query',
    schema: { enum: [...AGGREGATES] },
    description: 'aggregates numeric observations per $interval (stadtdaten extension)',
  },
  {
    name: '$interval',
    in: 'query',
    schema: { type: 'string', examples: ['PT15M', 'PT1H', 'P1D'] },
    description:
      'ISO 8601 duration from PT1M to P1D; without a phenomenonTime range in $filter, the last 24 hours are aggregated',
  },
];

/** Schemas of the SensorThings responses, added to the components of the OpenAPI document. */
export function sensorThingsSchemas() {
  return {
    StaEntity: {
      type: 'object',
      description:
        'A SensorThings entity: @iot.id, @iot.selfLink, its properties and <navigation>@iot.navigationLink members',
      properties: { '@iot.id': { type: 'string' }, '@iot.selfLink': { type: 'string', format: 'uri' } },
      additionalProperties: true,
    },
    StaCollection: {
      type: 'object',
      properties: {
        '@iot.count': { type: 'integer' },
        '@iot.nextLink': { type: 'string', format: 'uri' },
        value: { type: 'array', items: ref('StaEntity') },
      },
    },
    StaBatchRequest: {
      type: 'object',
      description: 'A batch in the JSON format of OData JSON Format 4.01, section 19',
      required: ['requests'],
      properties: {
        requests: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            required: ['id', 'method', 'url'],
            properties: {
              id: {
                type: 'string',
                minLength: 1,
                description: 'unique in the batch; `$<id>` refers to its entity',
              },
              method: { enum: ['get', 'post', 'patch', 'delete', 'put'], description: 'case-insensitive' },
              url: {
                type: 'string',
                description:
                  "relative to the tenant's service root (e.g. Things?$top=5), an absolute path within it, or `$<id>/…` for the entity of an earlier request",
              },
              headers: {
                type: 'object',
                additionalProperties: { type: 'string' },
                description: 'accept-language and content-type (JSON only); authorization is rejected',
              },
              body: {
                description: 'JSON body of POST and PATCH; `"@iot.id": "$<id>"` refers to an earlier request',
              },
              dependsOn: {
                type: 'array',
                items: { type: 'string' },
                description:
                  'ids of earlier requests; if one failed, this request does not run and gets the response 424',
              },
              atomicityGroup: {
                type: 'string',
                description: 'not supported: a batch with it is rejected with 400',
              },
            },
          },
        },
      },
    },
    StaBatchResponse: {
      type: 'object',
      properties: {
        responses: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'status'],
            properties: {
              id: { type: 'string' },
              status: { type: 'integer' },
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              body: { description: 'the entity, collection or problem details a direct request returns' },
            },
          },
        },
      },
    },
  };
}

/**
 * Paths of the SensorThings API 1.1, tagged SensorThings. They lie beside /api/v1, so each
 * path item names the origin as its server.
 */
export function sensorThingsPaths(origin: string) {
  const servers = [{ url: origin }];

  return {
    [PREFIX]: {
      servers,
      get: {
        tags: TAGS,
        summary: 'SensorThings service root: entity sets and conformance list',
        security: publicRead,
        parameters: [tenantParam],
        responses: { 200: json({ type: 'object' }), default: problem },
      },
    },
    [`${PREFIX}/{entitySet}`]: {
      servers,
      get: {
        tags: TAGS,
        summary:
          'List an entity set; Observations are read from the time-series store and paged by (phenomenonTime, datastream)',
        security: publicRead,
        parameters: [tenantParam, entitySetParam, ...queryOptions],
        responses: { 200: json(ref('StaCollection')), default: problem },
      },
      post: {
        tags: TAGS,
        summary:
          'Create a Thing (with its one Location and Datastreams inline), a Datastream or an Observation (tenant-admin; Observations also device)',
        security: write,
        parameters: [tenantParam, entitySetParam],
        requestBody: json({ type: 'object' }),
        responses: { 201: json(ref('StaEntity')), 202: json(ref('StaEntity')), default: problem },
      },
    },
    [`${PREFIX}/Observations`]: {
      servers,
      get: {
        tags: TAGS,
        summary: 'List Observations, raw or aggregated per interval with $aggregate and $interval',
        security: publicRead,
        parameters: [tenantParam, ...queryOptions, ...aggregationOptions],
        responses: { 200: json(ref('StaCollection')), default: problem },
      },
    },
    [`${PREFIX}/{entitySet}({id})`]: {
      servers,
      get: {
        tags: TAGS,
        summary: 'Get one entity',
        security: publicRead,
        parameters: [tenantParam, entitySetParam, idParam, ...queryOptions.slice(1, 3)],
        responses: { 200: json(ref('StaEntity')), default: problem },
      },
      patch: {
        tags: TAGS,
        summary: 'Change a Thing, Location, Datastream, Sensor or ObservedProperty (tenant-admin)',
        security: write,
        parameters: [tenantParam, entitySetParam, idParam],
        requestBody: json({ type: 'object' }),
        responses: { 200: json(ref('StaEntity')), default: problem },
      },
      delete: {
        tags: TAGS,
        summary:
          'Retire a Datastream (tenant-admin): its readings are rejected from then on and its observations stay stored',
        security: write,
        parameters: [tenantParam, entitySetParam, idParam],
        responses: { 200: { description: 'Retired' }, default: problem },
      },
    },
    [`${PREFIX}/{entitySet}({id})/{navigation}`]: {
      servers,
      get: {
        tags: TAGS,
        summary:
          'Follow a navigation property; Datastreams(id)/Observations takes $aggregate and $interval as well',
        security: publicRead,
        parameters: [
          tenantParam,
          entitySetParam,
          idParam,
          navigationParam,
          ...queryOptions,
          ...aggregationOptions,
        ],
        responses: { 200: json({ oneOf: [ref('StaCollection'), ref('StaEntity')] }), default: problem },
      },
      post: {
        tags: TAGS,
        summary:
          "Create a Datastream of a Thing or an Observation of a Datastream, e.g. POST Datastreams('x.y')/Observations",
        security: write,
        parameters: [tenantParam, entitySetParam, idParam, navigationParam],
        requestBody: json({ type: 'object' }),
        responses: { 201: json(ref('StaEntity')), 202: json(ref('StaEntity')), default: problem },
      },
    },
    [`${PREFIX}/$batch`]: {
      servers,
      post: {
        tags: TAGS,
        summary:
          'Run up to 100 requests in order, each with the rules and token of a direct call; answers one response per request',
        security: publicRead,
        parameters: [tenantParam],
        requestBody: json(ref('StaBatchRequest')),
        responses: { 200: json(ref('StaBatchResponse')), default: problem },
      },
    },
    [`${PREFIX}/CreateObservations`]: {
      servers,
      post: {
        tags: TAGS,
        summary:
          'Create observations in the dataArray format; answers one selfLink or "error" per row (tenant-admin or device)',
        security: write,
        parameters: [tenantParam],
        requestBody: json({
          type: 'array',
          items: { type: 'object', required: ['Datastream', 'components', 'dataArray'] },
        }),
        responses: { 201: json({ type: 'array', items: { type: 'string' } }), default: problem },
      },
    },
  };
}
