import { AGGREGATES } from '@stadtdaten/contracts';
import { ENTITY_SETS } from '@stadtdaten/sensorthings';
import { AGGREGATE_OPTION, INTERVAL_OPTION } from './observation-aggregate.service';
import type { StaContext } from './sta-context';

const REQ = 'http://www.opengis.net/spec/iot_sensing/1.1/req';

/**
 * Requirements this server meets, as the suites in conformance/ check them. Not listed:
 * HistoricalLocation (the set is always empty), create, update and delete, and receiving
 * updates via MQTT and batch requests (served in part, see libs/sensorthings/README.md),
 * MultiDatastream and creating observations via MQTT.
 */
export const CONFORMANCE = [
  ...[
    'thing',
    'location',
    'datastream',
    'sensor',
    'observed-property',
    'observation',
    'feature-of-interest',
  ].flatMap((entity) => [`${REQ}/datamodel/${entity}/properties`, `${REQ}/datamodel/${entity}/relations`]),
  `${REQ}/datamodel/entity-control-information/common-control-information`,
  `${REQ}/resource-path/resource-path-to-entities`,
  ...[
    'status-code',
    'query-status-code',
    'order',
    'expand',
    'select',
    'orderby',
    'top',
    'skip',
    'count',
    'filter',
    'built-in-filter-operations',
    'built-in-query-functions',
    'pagination',
  ].map((name) => `${REQ}/request-data/${name}`),
  `${REQ}/data-array/data-array`,
];

/** Key of the aggregation extension in serverSettings. */
export const AGGREGATION_EXTENSION = 'https://stadtdaten.example/sensorthings/aggregation';

/** Builds the service root document: one entry per entity set, and the server settings with the conformance list. */
export function serviceRootDocument(context: StaContext) {
  return {
    value: Object.keys(ENTITY_SETS).map((name) => ({ name, url: `${context.baseUrl}/${name}` })),
    serverSettings: {
      conformance: CONFORMANCE,
      [AGGREGATION_EXTENSION]: {
        description: `Aggregates of Observations per interval: ${AGGREGATE_OPTION}=<aggregate>&${INTERVAL_OPTION}=<ISO 8601 duration from PT1M to P1D>`,
        aggregates: [...AGGREGATES],
      },
    },
  };
}
