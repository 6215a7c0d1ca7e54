import { RANGE_EXPORT_FORMATS } from '@stadtdaten/opendata';

const problem = { $ref: '#/components/responses/Problem' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const OBSERVATIONS_PATH = '/tenants/{tenant}/datastreams/{id}/observations';

type Operation = Record<string, unknown>;
type PathItem = Record<string, unknown>;

/** Schemas of the open-data routes, for components.schemas. */
export function openDataSchemas() {
  return {
    PublicationState: {
      type: 'object',
      properties: {
        datasetId: { type: 'string', description: '<tenant>/<thing id>' },
        tenant: { type: 'string' },
        package: { type: 'string', description: 'name of the CKAN package' },
        packageId: { type: 'string', description: 'id of the CKAN package, once the portal returned it' },
        state: {
          enum: ['published', 'pending', 'failed', 'withdrawn'],
          description: 'withdrawn: the dataset left the catalog and its package was made private on the portal',
        },
        resourcesPublished: { type: 'integer' },
        resourcesTotal: { type: 'integer' },
        attemptedAt: { type: 'string', format: 'date-time' },
        publishedAt: { type: 'string', format: 'date-time' },
        error: { type: 'string' },
        failedStep: { enum: ['package_show', 'package_create', 'package_patch', 'resource_create', 'resource_patch'] },
      },
    },
    PublicationReport: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        portal: { type: 'string', format: 'uri' },
        organization: { type: 'string' },
        intervalMs: { type: 'integer' },
        running: { type: 'boolean' },
        lastRun: {
          type: 'object',
          properties: {
            startedAt: { type: 'string', format: 'date-time' },
            finishedAt: { type: 'string', format: 'date-time' },
            published: { type: 'integer' },
            failed: { type: 'integer' },
            withdrawn: { type: 'integer', description: 'packages made private in this run' },
          },
        },
        datasets: { type: 'array', items: ref('PublicationState') },
      },
    },
  };
}

const catalogGet: Operation = {
  summary: 'DCAT-AP.de catalog of every public datastream: one dataset per thing, with CSV, GeoJSON, JSON, Parquet and SensorThings distributions',
  security: [{}],
  parameters: [{ name: 'format', in: 'query', schema: { enum: ['jsonld', 'ttl'] }, description: 'overrides the Accept header; default JSON-LD' }],
  responses: {
    200: {
      description: 'The catalog',
      content: { 'application/ld+json': { schema: { type: 'object' } }, 'text/turtle': { schema: { type: 'string' } } },
    },
    default: problem,
  },
};

const publicationPaths: Record<string, PathItem> = {
  '/opendata/publication': {
    get: {
      summary: 'State of the publication to the CKAN portal per dataset (tenant-admin: own tenant; platform-admin: all)',
      security: [{ bearer: [] }],
      responses: { 200: { description: 'Publication state', content: { 'application/json': { schema: ref('PublicationReport') } } }, default: problem },
    },
  },
  '/opendata/publication/runs': {
    post: {
      summary: 'Start a publication run to the CKAN portal now (platform-admin)',
      security: [{ bearer: [] }],
      responses: { 202: { description: 'Run started', content: { 'application/json': { schema: ref('PublicationReport') } } }, default: problem },
    },
  },
};

/**
 * Adds the open-data routes to the paths of the OpenAPI document: GET /catalog beside the
 * registry's POST /catalog, the publication routes, and the range export formats of the
 * observations endpoint.
 */
export function mergeOpenDataPaths(paths: Record<string, object>): Record<string, PathItem> {
  const merged: Record<string, PathItem> = { ...(paths as Record<string, PathItem>), ...publicationPaths };
  merged['/catalog'] = { ...(paths['/catalog'] ?? {}), get: catalogGet };
  const observations = (paths[OBSERVATIONS_PATH] as PathItem | undefined)?.get as Operation | undefined;
  if (observations !== undefined) {
    merged[OBSERVATIONS_PATH] = { ...paths[OBSERVATIONS_PATH], get: withRangeExportFormats(observations) };
  }

  return merged;
}

/**
 * Response schema of each range export format. GeoJSON is JSON to clients (its media type ends
 * in +json), so it gets the shape of the FeatureCollection; the others are text or bytes.
 */
const RANGE_EXPORT_SCHEMAS: Record<string, Record<string, unknown>> = {
  geojson: {
    type: 'object',
    required: ['type', 'features'],
    properties: {
      type: { const: 'FeatureCollection' },
      datastream: { type: 'object' },
      features: { type: 'array', items: { type: 'object', required: ['type', 'geometry', 'properties'] } },
    },
  },
  jsonl: { type: 'string' },
  parquet: { type: 'string', format: 'binary' },
};

function withRangeExportFormats(operation: Operation): Operation {
  const parameters = (operation.parameters as Array<{ name: string; schema?: { enum?: string[] }; description?: string }>).map((parameter) =>
    parameter.name !== 'format'
      ? parameter
      : {
          ...parameter,
          schema: { enum: [...(parameter.schema?.enum ?? []), ...Object.keys(RANGE_EXPORT_FORMATS)] },
          description:
            `${parameter.description ?? ''}; geojson: a FeatureCollection with one feature (the thing's location) per observation; ` +
            'jsonl: one JSON object per line; parquet: one row group per 5,000 observations, times as UTC timestamps',
        },
  );
  const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>;
  const content = { ...(responses[200]?.content ?? {}) };
  for (const format of Object.values(RANGE_EXPORT_FORMATS)) {
    content[format.contentType] = { schema: RANGE_EXPORT_SCHEMAS[format.extension] };
  }

  return { ...operation, parameters, responses: { ...responses, 200: { ...responses[200], content } } };
}
