// The canonical encoding of an observation (schema version 1) and of a signed batch statement,
// byte for byte as libs/integrity writes them on the server: length-prefixed UTF-8 texts,
// unsigned big-endian integers, IEEE 754 binary64 numbers with -0 written as +0.

export const CANONICAL_SCHEMA_VERSION = 1;
const OBSERVATION_DOMAIN_LABEL = 'stadtdaten.observation';
const BATCH_STATEMENT_DOMAIN_LABEL = 'stadtdaten.batch';
const RESULT_TAGS = { number: 1, text: 2, boolean: 3, json: 4 };
const TEXT_FIELDS = ['tenant', 'datastreamId', 'thingId', 'deviceId', 'observedProperty', 'unit'];
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const MAX_JSON_DEPTH = 64;

/** Raised when fields cannot be encoded; the message names the field. */
export class EncodingError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EncodingError';
  }
}

class ByteWriter {
  constructor() {
    this.chunks = [];
  }

  text(value) {
    if (typeof value !== 'string' || LONE_SURROGATE.test(value)) {
      throw new EncodingError(`text ${JSON.stringify(value)} cannot be encoded: it must be a string without lone surrogates`);
    }
    const bytes = new TextEncoder().encode(value);
    this.uint32(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  uint8(value) {
    this.chunks.push(Uint8Array.of(value));
    return this;
  }

  uint32(value) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, false);
    this.chunks.push(bytes);
    return this;
  }

  uint64(value) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(value), false);
    this.chunks.push(bytes);
    return this;
  }

  float64(value) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value === 0 ? 0 : value, false);
    this.chunks.push(bytes);
    return this;
  }

  fixed(bytes) {
    this.chunks.push(bytes);
    return this;
  }

  toBytes() {
    const length = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }
}

/**
 * Serialises a JSON value per RFC 8785: members sorted by UTF-16 code units, no whitespace,
 * numbers in the ECMAScript shortest form (which JSON.stringify writes), minimal string escapes.
 */
export function canonicalJson(value, depth = 0) {
  if (value === null || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new EncodingError(`the number ${value} cannot be written as JSON`);
    }
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) {
      throw new EncodingError('a JSON text contains a lone surrogate');
    }
    return JSON.stringify(value);
  }
  if (depth >= MAX_JSON_DEPTH) {
    throw new EncodingError(`the JSON value nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .map((name) => `${canonicalJson(name, depth + 1)}:${canonicalJson(value[name], depth + 1)}`);
    return `{${members.join(',')}}`;
  }
  throw new EncodingError(`a value of type ${typeof value} cannot be written as JSON`);
}

/** Encodes the signed fields of an observation; throws EncodingError for fields it cannot encode. */
export function encodeCanonicalObservation(fields) {
  if (fields.schemaVersion !== CANONICAL_SCHEMA_VERSION) {
    throw new EncodingError(`schema version ${fields.schemaVersion} is not supported: this page encodes version 1`);
  }
  for (const name of ['phenomenonTimeMs', 'resultTimeMs']) {
    if (typeof fields[name] !== 'number' || !Number.isFinite(fields[name])) {
      throw new EncodingError(`${name} must be a finite number of epoch milliseconds`);
    }
  }
  const writer = new ByteWriter().text(OBSERVATION_DOMAIN_LABEL).uint32(fields.schemaVersion);
  for (const name of TEXT_FIELDS) {
    writer.text(fields[name]);
  }
  writer.float64(fields.phenomenonTimeMs).float64(fields.resultTimeMs);
  writeResult(writer, fields.result);

  return writer.toBytes();
}

function writeResult(writer, result) {
  const tag = RESULT_TAGS[result?.type];
  if (tag === undefined) {
    throw new EncodingError('the result needs a type: number, text, boolean or json');
  }
  writer.uint8(tag);
  if (result.type === 'number') {
    if (typeof result.value !== 'number' || !Number.isFinite(result.value)) {
      throw new EncodingError('a number result must be finite');
    }
    writer.float64(result.value);
  } else if (result.type === 'text') {
    writer.text(result.value);
  } else if (result.type === 'boolean') {
    writer.uint8(result.value ? 1 : 0);
  } else {
    writer.text(canonicalJson(result.value));
  }
}

/**
 * Encodes what a batch signature covers: text "stadtdaten.batch", uint32 schema version, text
 * batch id, text key id, binary64 creation time, uint64 tree size and the 32-byte root.
 */
export function encodeBatchStatement(batch, rootHash) {
  return new ByteWriter()
    .text(BATCH_STATEMENT_DOMAIN_LABEL)
    .uint32(batch.schemaVersion)
    .text(batch.batchId)
    .text(batch.keyId)
    .float64(batch.createdAtMs)
    .uint64(batch.treeSize)
    .fixed(rootHash)
    .toBytes();
}

/**
 * Builds the signed fields of a shown value from the datastream it belongs to: tenant,
 * datastream, thing, device, observed property, unit, both times and the typed result.
 */
export function fieldsOfShownValue(datastream, value) {
  return {
    schemaVersion: CANONICAL_SCHEMA_VERSION,
    tenant: datastream.tenant,
    datastreamId: datastream.id,
    thingId: datastream.thingId,
    deviceId: datastream.deviceId,
    observedProperty: datastream.observedProperty?.id ?? '',
    unit: datastream.unit?.code ?? '',
    phenomenonTimeMs: Date.parse(value.phenomenonTime),
    resultTimeMs: Date.parse(value.resultTime),
    result: typedResult(datastream, value.result),
  };
}

/** Tags a result with the type the validator signed: objects and arrays as json, else by JavaScript type. */
export function typedResult(datastream, result) {
  if (datastream.valueSchema?.type === 'object' || (typeof result === 'object' && result !== null)) {
    return { type: 'json', value: result };
  }
  if (typeof result === 'number') {
    return { type: 'number', value: result };
  }
  if (typeof result === 'boolean') {
    return { type: 'boolean', value: result };
  }
  return { type: 'text', value: String(result) };
}
