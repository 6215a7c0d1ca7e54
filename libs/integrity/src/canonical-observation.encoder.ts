import type { Observation } from '@stadtdaten/contracts';
import { ByteFieldWriter } from './byte-field.writer';
import { canonicalJson, isWellFormedText, type JsonValue } from './canonical-json.encoder';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';
import { LEAF_HASH_PREFIX, sha256 } from './merkle-tree';

/** Version of the canonical observation layout and of the signed batch statement. */
export const CANONICAL_SCHEMA_VERSION = 1;

/** Label that starts every canonical observation, so its bytes cannot pass for another signed structure. */
export const OBSERVATION_DOMAIN_LABEL = 'stadtdaten.observation';

/** A result with its type, so that the number 1, the text "1" and the JSON value 1 encode differently. */
export type CanonicalResult =
  | { type: 'number'; value: number }
  | { type: 'text'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'json'; value: JsonValue };

export type CanonicalResultType = CanonicalResult['type'];

const RESULT_TAGS: Record<CanonicalResultType, number> = { number: 1, text: 2, boolean: 3, json: 4 };

/** The fields of an observation that its signature covers: the reading together with its context. */
export interface CanonicalObservation {
  schemaVersion: number;
  tenant: string;
  datastreamId: string;
  thingId: string;
  deviceId: string;
  observedProperty: string;
  /** UCUM code. */
  unit: string;
  /** UTC epoch milliseconds. */
  phenomenonTimeMs: number;
  /** UTC epoch milliseconds. */
  resultTimeMs: number;
  result: CanonicalResult;
}

// NOTE: received time, quality flags, classification, storage profile and owner pseudonym are
// not signed, so a change to them after signing goes undetected.
const TEXT_FIELDS = ['tenant', 'datastreamId', 'thingId', 'deviceId', 'observedProperty', 'unit'] as const;
const REQUIRED_TEXT_FIELDS = new Set<string>(['tenant', 'datastreamId']);
const TIME_FIELDS = ['phenomenonTimeMs', 'resultTimeMs'] as const;

/** Takes the signed fields out of an Observation event. Throws INVALID_OBSERVATION when it has no valid result. */
export function toCanonicalObservation(observation: Observation): CanonicalObservation {
  return {
    schemaVersion: CANONICAL_SCHEMA_VERSION,
    tenant: observation.tenant,
    datastreamId: observation.datastreamId,
    thingId: observation.thingId,
    deviceId: observation.deviceId,
    observedProperty: observation.observedProperty,
    unit: observation.unit,
    phenomenonTimeMs: observation.phenomenonTimeMs,
    resultTimeMs: observation.resultTimeMs,
    result: toCanonicalResult(observation),
  };
}

function toCanonicalResult(observation: Observation): CanonicalResult {
  const { result } = observation;
  switch (result.case) {
    case 'number':
      return { type: 'number', value: result.value };
    case 'text':
      return { type: 'text', value: result.value };
    case 'boolean':
      return { type: 'boolean', value: result.value };
    case 'json':
      return { type: 'json', value: parseJsonResult(observation.id, result.value) };
    default:
      throw new IntegrityError(
        IntegrityErrorCode.INVALID_OBSERVATION,
        `observation "${observation.id}" has no result: set result.number, text, boolean or json before signing`,
      );
  }
}

function parseJsonResult(observationId: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_OBSERVATION,
      `observation "${observationId}" has a json result that is not valid JSON: store the value with JSON.stringify`,
      { cause: error },
    );
  }
}

/**
 * Encodes the signed fields of an observation, schema version 1. The layout starts with the
 * text "stadtdaten.observation" and the uint32 schema version. Six texts follow: tenant,
 * datastream id, thing id, device id, observed property and unit. Then come float64
 * phenomenon time, float64 result time and the uint8 result tag (1 number, 2 text, 3 boolean,
 * 4 json). The result itself is a float64, a text, a uint8 0 or 1, or the RFC 8785 form of
 * the JSON value as text. A text is a uint32 byte length followed by UTF-8 bytes. Integers
 * are big-endian, and -0 is written as +0. Throws INVALID_OBSERVATION or
 * UNSUPPORTED_SCHEMA_VERSION for fields it cannot encode.
 */
export function encodeCanonicalObservation(fields: CanonicalObservation): Buffer {
  assertEncodable(fields);

  return writeFields(sharedWriter.reset(), fields).toBuffer();
}

/**
 * Returns the Merkle leaf hash of the fields, SHA-256(0x00 || encodeCanonicalObservation(fields)),
 * hashed straight from the writer's buffer. Throws as encodeCanonicalObservation does.
 */
export function hashCanonicalObservation(fields: CanonicalObservation): Buffer {
  assertEncodable(fields);

  return sha256(writeFields(sharedWriter.reset().uint8(LEAF_HASH_PREFIX), fields).view());
}

// Reused by every encoding: encoding is synchronous, and the result is copied or hashed before the next one.
const sharedWriter = new ByteFieldWriter();

function writeFields(writer: ByteFieldWriter, fields: CanonicalObservation): ByteFieldWriter {
  writer.text(OBSERVATION_DOMAIN_LABEL).uint32(fields.schemaVersion);
  for (const name of TEXT_FIELDS) {
    writer.text(fields[name]);
  }
  for (const name of TIME_FIELDS) {
    writer.float64(fields[name]);
  }
  writeResult(writer, fields.result);

  return writer;
}

function writeResult(writer: ByteFieldWriter, result: CanonicalResult): void {
  writer.uint8(RESULT_TAGS[result.type]);
  switch (result.type) {
    case 'number':
      writer.float64(result.value);
      break;
    case 'text':
      writer.text(result.value);
      break;
    case 'boolean':
      writer.uint8(result.value ? 1 : 0);
      break;
    case 'json':
      writer.text(canonicalJsonResult(result.value));
      break;
  }
}

function canonicalJsonResult(value: JsonValue): string {
  try {
    return canonicalJson(value);
  } catch (error) {
    throw invalid(`json result is not a JSON value: ${(error as Error).message}`);
  }
}

// The fields may come from a parsed export line, so every type is checked at run time.
function assertEncodable(fields: CanonicalObservation): void {
  if (typeof fields !== 'object' || fields === null) {
    throw invalid('the observation is not an object');
  }
  if (fields.schemaVersion !== CANONICAL_SCHEMA_VERSION) {
    throw new IntegrityError(
      IntegrityErrorCode.UNSUPPORTED_SCHEMA_VERSION,
      `schema version ${String(fields.schemaVersion)} is not supported: this library encodes version ${CANONICAL_SCHEMA_VERSION}`,
    );
  }
  for (const name of TEXT_FIELDS) {
    const value: unknown = fields[name];
    if (typeof value !== 'string' || !isWellFormedText(value)) {
      throw invalid(`${name} must be a string without lone UTF-16 surrogates, got ${describe(value)}`);
    }
    if (value === '' && REQUIRED_TEXT_FIELDS.has(name)) {
      throw invalid(`${name} is empty: set it before signing`);
    }
  }
  for (const name of TIME_FIELDS) {
    const value: unknown = fields[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalid(`${name} must be a finite number of epoch milliseconds, got ${describe(value)}`);
    }
  }
  assertEncodableResult(fields.result);
}

function assertEncodableResult(result: CanonicalResult): void {
  if (typeof result !== 'object' || result === null || !Object.hasOwn(RESULT_TAGS, result.type)) {
    throw invalid(
      `result must be an object with type number, text, boolean or json, got ${describe(result)}`,
    );
  }
  const value: unknown = result.value;
  const valid =
    (result.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (result.type === 'text' && typeof value === 'string' && isWellFormedText(value)) ||
    (result.type === 'boolean' && typeof value === 'boolean') ||
    result.type === 'json';
  if (!valid) {
    throw invalid(`result of type ${result.type} has an invalid value ${describe(value)}`);
  }
}

function invalid(message: string): IntegrityError {
  return new IntegrityError(IntegrityErrorCode.INVALID_OBSERVATION, `cannot encode observation: ${message}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string' || (typeof value === 'object' && value !== null)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }

  return String(value);
}
