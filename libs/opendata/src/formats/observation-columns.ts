import type { ResultValue, StoredObservation, ValueType } from '@stadtdaten/contracts';

/** How the `result` column of a tabular export is typed. */
export type ResultColumnType = 'number' | 'boolean' | 'string' | 'json';

/** What an export writer needs to know about the datastream of the observations it writes. */
export interface DatastreamExportInfo {
  id: string;
  /** UCUM code. */
  unit: string;
  resultType: ResultColumnType;
}

/**
 * Picks the result column type from the datastream's value schema. Stored results of
 * personal datastreams are ciphertext envelopes, which are strings whatever the schema says.
 */
export function resultColumnType(valueType: ValueType, encrypted: boolean): ResultColumnType {
  if (encrypted) {
    return 'string';
  }
  switch (valueType) {
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      return 'json';
  }
}

/**
 * Splits a result into the typed column value and, for a value the type does not fit (a
 * stored value older than a changed value schema), the JSON text of the value. A `json`
 * column keeps the value itself; each format encodes it.
 */
export function splitResult(result: ResultValue, type: ResultColumnType): { typed: ResultValue | null; json: string | null } {
  if (type === 'number' && typeof result === 'number') {
    return { typed: result, json: null };
  }
  if (type === 'boolean' && typeof result === 'boolean') {
    return { typed: result, json: null };
  }
  if (type === 'string' && typeof result === 'string') {
    return { typed: result, json: null };
  }
  if (type === 'json') {
    return { typed: result, json: null };
  }

  return { typed: null, json: JSON.stringify(result) };
}

/** Reverses splitResult; `typed` of a json column is the decoded value. */
export function joinResult(typed: unknown, json: string | null | undefined): ResultValue {
  if (json !== null && json !== undefined) {
    return JSON.parse(json) as ResultValue;
  }

  return typed as ResultValue;
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** The JSON form of one observation in JSON lines and GeoJSON exports. */
export function observationJson(observation: StoredObservation, unit: string) {
  return {
    id: observation.id,
    datastreamId: observation.datastreamId,
    phenomenonTime: isoUtc(observation.phenomenonTimeMs),
    resultTime: isoUtc(observation.resultTimeMs),
    result: observation.result,
    unit,
  };
}
