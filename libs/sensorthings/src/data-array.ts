import { invalidOption } from './query-option.errors';

/** Components of the dataArray format when $select names none. */
export const DEFAULT_DATA_ARRAY_COMPONENTS = ['id', 'phenomenonTime', 'resultTime', 'result'];

/** Components a CreateObservations entry may carry; `result` is required. */
export const CREATE_OBSERVATION_COMPONENTS = [
  'phenomenonTime',
  'resultTime',
  'result',
  'resultQuality',
  'validTime',
  'parameters',
  'FeatureOfInterest/id',
];

/** One value entry of a dataArray response: the observations of one datastream as rows. */
export interface DataArrayGroup {
  'Datastream@iot.navigationLink': string;
  components: string[];
  'dataArray@iot.count': number;
  dataArray: unknown[][];
}

/** An observation read from a CreateObservations row. */
export interface DataArrayObservation {
  phenomenonTime?: unknown;
  resultTime?: unknown;
  result: unknown;
  resultQuality?: unknown;
  validTime?: unknown;
  parameters?: unknown;
  featureOfInterestId?: unknown;
}

export interface DataArrayEntry {
  datastreamId: string;
  observations: DataArrayObservation[];
}

/**
 * Turns Observations (as SensorThings JSON objects, in response order) into dataArray groups,
 * one per datastream in order of first appearance. `datastreamLinkOf` returns the
 * Datastream navigation link that names an observation's datastream.
 */
export function toDataArray(
  observations: ReadonlyArray<Record<string, unknown>>,
  components: readonly string[],
  datastreamLinkOf: (observation: Record<string, unknown>) => string,
): DataArrayGroup[] {
  const groups = new Map<string, DataArrayGroup>();
  for (const observation of observations) {
    const link = datastreamLinkOf(observation);
    let group = groups.get(link);
    if (group === undefined) {
      group = {
        'Datastream@iot.navigationLink': link,
        components: [...components],
        'dataArray@iot.count': 0,
        dataArray: [],
      };
      groups.set(link, group);
    }
    group.dataArray.push(
      components.map((component) =>
        component === 'id' ? observation['@iot.id'] : (observation[component] ?? null),
      ),
    );
    group['dataArray@iot.count'] += 1;
  }

  return [...groups.values()];
}

/**
 * Reads the body of a CreateObservations request: an array of entries, each with a Datastream
 * reference, the component names and rows of values in that order. Throws QueryOptionError
 * naming the entry, row and member that are wrong.
 */
export function parseCreateObservations(body: unknown): DataArrayEntry[] {
  const option = 'CreateObservations';
  if (!Array.isArray(body) || body.length === 0) {
    throw invalidOption(
      option,
      'the body must be a non-empty JSON array of {"Datastream": {"@iot.id": …}, "components": […], "dataArray": [[…]]}',
    );
  }

  return body.map((entry, index) => parseEntry(option, entry, index));
}

function parseEntry(option: string, entry: unknown, index: number): DataArrayEntry {
  const where = `entry ${index}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw invalidOption(option, `${where} is not an object`);
  }
  const record = entry as Record<string, unknown>;
  const datastream = record.Datastream as Record<string, unknown> | undefined;
  const id = datastream?.['@iot.id'];
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw invalidOption(option, `${where} needs "Datastream": {"@iot.id": "<datastream id>"}`);
  }
  const components = record.components;
  if (
    !Array.isArray(components) ||
    components.some((component) => !CREATE_OBSERVATION_COMPONENTS.includes(component as string))
  ) {
    throw invalidOption(
      option,
      `${where}: "components" must list names from ${CREATE_OBSERVATION_COMPONENTS.join(', ')}`,
    );
  }
  if (new Set(components).size !== components.length || !components.includes('result')) {
    throw invalidOption(option, `${where}: "components" must name each component once and include "result"`);
  }
  const rows = record.dataArray;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw invalidOption(option, `${where}: "dataArray" must be a non-empty array of rows`);
  }
  const observations = rows.map((row, rowIndex) => {
    if (!Array.isArray(row) || row.length !== components.length) {
      throw invalidOption(
        option,
        `${where}, row ${rowIndex}: expected an array of ${components.length} values (${components.join(', ')})`,
      );
    }

    return observationFromRow(components as string[], row);
  });

  return { datastreamId: String(id), observations };
}

function observationFromRow(components: string[], row: unknown[]): DataArrayObservation {
  const observation: DataArrayObservation = { result: undefined };
  components.forEach((component, index) => {
    const key =
      component === 'FeatureOfInterest/id'
        ? 'featureOfInterestId'
        : (component as keyof DataArrayObservation);
    observation[key] = row[index];
  });

  return observation;
}
