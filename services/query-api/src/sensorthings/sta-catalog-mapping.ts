import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode, type ValueType } from '@stadtdaten/contracts';
import { UCUM_UNITS, USE_CASES, isKnownUnit } from '@stadtdaten/registry';
import { OBSERVATION_TYPES } from './sta-graph';

/** Thing and device ids, as the registry accepts them. */
const THING_OR_DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/;
const OBSERVED_PROPERTY_ID = /^[a-z][a-z0-9_]{0,62}$/;
const GEOJSON_ENCODINGS = ['application/geo+json', 'application/vnd.geo+json'];
const UCUM_DEFINITION = /^ucum:(.+)$/;

/** A JSON object of a request body. */
export type Body = Record<string, unknown>;

export function invalidBody(message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message);
}

/** Reads a JSON object member of a body; throws naming the member when it is something else. */
export function objectOf(value: unknown, what: string): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidBody(`${what} must be a JSON object`);
  }

  return value as Body;
}

/** Rejects members the server cannot store, instead of dropping them silently. */
export function requireOnly(body: Body, allowed: readonly string[], what: string, reason: string): void {
  const extra = Object.keys(body).filter(
    (key) => !allowed.includes(key) && !key.endsWith('@iot.navigationLink') && key !== '@iot.selfLink',
  );
  if (extra.length > 0) {
    throw invalidBody(
      `${what} cannot change ${extra.join(', ')}: ${reason}; send only ${allowed.join(', ')}`,
    );
  }
}

export function textOf(value: unknown, what: string, required: boolean): string | undefined {
  if (value === undefined && !required) {
    return undefined;
  }
  if (typeof value !== 'string' || (required && value.trim() === '')) {
    throw invalidBody(`${what} must be a ${required ? 'non-empty ' : ''}string`);
  }

  return value;
}

/** Returns the id of a reference such as {"@iot.id": "luisenplatz"}, or undefined for an entity given inline. */
export function referenceOf(value: Body): string | undefined {
  const id = value['@iot.id'];
  if (id === undefined) {
    return undefined;
  }
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw invalidBody('@iot.id must be a string or a number');
  }

  return Object.keys(value).length === 1 ? String(id) : undefined;
}

/** Returns the client's id when valid, else a new `sta-<8 hex digits>` id. */
export function thingOrDeviceId(requested: unknown, what: string): string {
  if (requested === undefined) {
    return `sta-${randomBytes(4).toString('hex')}`;
  }
  const id = String(requested);
  if (!THING_OR_DEVICE_ID.test(id)) {
    throw invalidBody(
      `@iot.id "${id}" of the ${what} is invalid: use letters, digits, "_", "-" and ":" (no dots), 1 to 128 characters, or leave it out`,
    );
  }

  return id;
}

/** Derives an observed property id from a given id or a name: lower-case letters, digits and "_". */
export function observedPropertyIdOf(requested: unknown, name: string): string {
  const id =
    requested === undefined
      ? name
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z0-9]+/g, '_')
          .replace(/^_+|_+$/g, '')
      : String(requested);
  const withLetter = /^[a-z]/.test(id) ? id : `p_${id}`;
  if (!OBSERVED_PROPERTY_ID.test(withLetter)) {
    throw invalidBody(
      `ObservedProperty id "${id}" is invalid: use lower-case letters, digits and "_", starting with a letter, e.g. air_temperature`,
    );
  }

  return withLetter;
}

/**
 * Finds the UCUM code of a unitOfMeasurement: from a definition `ucum:<code>`, else from a
 * symbol that is a code or the display symbol of exactly one known code.
 */
export function unitCodeOf(unit: Body): string {
  const definition =
    typeof unit.definition === 'string' ? UCUM_DEFINITION.exec(unit.definition)?.[1] : undefined;
  if (definition !== undefined && isKnownUnit(definition)) {
    return definition;
  }
  const symbol = typeof unit.symbol === 'string' ? unit.symbol : undefined;
  if (symbol !== undefined && isKnownUnit(symbol)) {
    return symbol;
  }
  const bySymbol = Object.entries(UCUM_UNITS).filter(
    ([, info]) => symbol !== undefined && symbol !== '' && info.symbol === symbol,
  );
  if (bySymbol.length === 1) {
    return bySymbol[0][0];
  }

  throw invalidBody(
    `unitOfMeasurement ${JSON.stringify(unit)} names no known UCUM unit: set "definition": "ucum:<code>" with one of ${Object.keys(UCUM_UNITS).join(', ')}`,
  );
}

/** Value type of an observationType given as URI or short name, e.g. OM_Measurement → number. */
export function valueTypeOf(observationType: unknown): ValueType {
  const name =
    typeof observationType === 'string' ? observationType.slice(observationType.lastIndexOf('/') + 1) : '';
  // JWE datastreams need a recipient key, which only a catalog can name, so OM_Observation means object here.
  const match = Object.entries(OBSERVATION_TYPES).find(
    ([type, uri]) => type !== 'jwe' && uri.endsWith(`/${name}`),
  );
  if (name === '' || match === undefined) {
    throw invalidBody(
      `observationType ${JSON.stringify(observationType)} is not supported: use one of ${[...new Set(Object.values(OBSERVATION_TYPES))].join(', ')}`,
    );
  }

  return match[0] as ValueType;
}

/** Returns the use case named in a thing's properties, else the fallback. */
export function useCaseOf(properties: Body | undefined, fallback = 'other'): string {
  const useCase = properties?.useCase;

  return typeof useCase === 'string' && (USE_CASES as readonly string[]).includes(useCase)
    ? useCase
    : fallback;
}

/** Reads the GeoJSON geometry of an inline Location. */
export function geometryOfLocation(location: Body): Record<string, unknown> {
  const encoding = location.encodingType;
  if (encoding !== undefined && !GEOJSON_ENCODINGS.includes(String(encoding))) {
    throw invalidBody(
      `Location encodingType "${String(encoding)}" is not supported: use application/geo+json`,
    );
  }
  const geometry = objectOf(location.location, 'Location "location"');
  if (geometry.type === 'Feature') {
    return objectOf(geometry.geometry, "the geometry of the Location's GeoJSON Feature");
  }

  return geometry;
}
