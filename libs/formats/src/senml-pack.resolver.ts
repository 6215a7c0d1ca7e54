import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { invalidPayload, isJsonObject, type JsonObject } from './payload-shape.guards';
import { formatValue } from './value.formatter';

/** Highest SenML version this resolver understands (RFC 8428 defines version 10). */
export const SENML_VERSION = 10;

/** Resolved times below 2^28 s are relative to "now" (RFC 8428 section 4.5.3). */
export const SENML_RELATIVE_TIME_LIMIT_S = 2 ** 28;

/** Characters RFC 8428 allows in a resolved name, the first one a letter or digit. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9\-:./_]*$/;

const BASE_LABELS = ['bn', 'bt', 'bu', 'bv', 'bs', 'bver'];
const VALUE_LABELS = ['v', 'vs', 'vb', 'vd'] as const;
const KNOWN_LABELS = new Set([...BASE_LABELS, ...VALUE_LABELS, 'n', 'u', 's', 't', 'ut']);

/** One SenML record with the base fields applied, as RFC 8428 defines a resolved record. */
export interface SenmlResolvedRecord {
  /** Position of the record in the pack. */
  index: number;
  /** Base name in force for the record ('' when none). */
  baseName: string;
  /** The record's own name `n` ('' when absent). */
  localName: string;
  /** bn + n. */
  name: string;
  unit?: string;
  /** v + bv, vs, vb or vd (vd stays the base64url text); undefined for a record with only a sum. */
  value?: number | string | boolean;
  /** s + bs. */
  sum?: number;
  /** bt + t in seconds: an absolute Unix time, or relative to "now" when below 2^28. */
  timeSeconds: number;
}

interface BaseFields {
  bn: string;
  bt: number;
  bu?: string;
  bv: number;
  bs: number;
  bver?: number;
}

/**
 * Applies the base fields of a SenML pack to each record. Returns one resolved record or one
 * RejectionError (with entryIndex) per record. Records that carry only base fields are
 * headers and yield nothing. Throws INVALID_PAYLOAD when the pack is not an array, a base
 * field has the wrong type or the versions differ. Throws UNSUPPORTED_FORMAT for a version
 * above 10 and for unknown labels ending in '_', which RFC 8428 requires a receiver to understand.
 */
export function resolveSenmlPack(pack: unknown): Array<SenmlResolvedRecord | RejectionError> {
  if (!Array.isArray(pack)) {
    throw invalidPayload('A SenML pack must be a JSON array of records.');
  }
  if (pack.length === 0) {
    throw invalidPayload('The SenML pack has no records; send at least one record.');
  }

  const base: BaseFields = { bn: '', bt: 0, bv: 0, bs: 0 };
  const resolved: Array<SenmlResolvedRecord | RejectionError> = [];
  pack.forEach((record, index) => {
    if (!isJsonObject(record)) {
      resolved.push(invalidPayload(`SenML record ${index} must be an object.`, { entryIndex: index }));

      return;
    }
    checkLabels(record, index);
    applyBaseFields(record, index, base);
    if (!isHeaderOnly(record)) {
      resolved.push(resolveRecordOrReject(record, index, base));
    }
  });

  return resolved;
}

function checkLabels(record: JsonObject, index: number): void {
  const mustUnderstand = Object.keys(record).filter(
    (label) => label.endsWith('_') && !KNOWN_LABELS.has(label),
  );
  if (mustUnderstand.length > 0) {
    throw new RejectionError(
      RejectionCode.UNSUPPORTED_FORMAT,
      `SenML record ${index} uses the must-understand label(s) ${mustUnderstand.join(', ')} (RFC 8428), ` +
        'which this decoder does not support; send the pack without them.',
      { entryIndex: index },
    );
  }
}

function applyBaseFields(record: JsonObject, index: number, base: BaseFields): void {
  base.bn = readBase(record, 'bn', 'string', index) ?? base.bn;
  base.bt = readBase(record, 'bt', 'number', index) ?? base.bt;
  base.bu = readBase(record, 'bu', 'string', index) ?? base.bu;
  base.bv = readBase(record, 'bv', 'number', index) ?? base.bv;
  base.bs = readBase(record, 'bs', 'number', index) ?? base.bs;

  const version = readBase(record, 'bver', 'number', index);
  if (version === undefined) {
    return;
  }
  if (!Number.isInteger(version) || version < 1) {
    throw invalidPayload(
      `SenML record ${index} has bver ${formatValue(version)}; bver must be a positive integer.`,
    );
  }
  if (version > SENML_VERSION) {
    throw new RejectionError(
      RejectionCode.UNSUPPORTED_FORMAT,
      `SenML record ${index} has version bver ${version}, but this decoder supports up to ${SENML_VERSION}.`,
      { entryIndex: index },
    );
  }
  // Records before the first bver have the default version 10.
  const earlierVersion = base.bver ?? (index > 0 ? SENML_VERSION : undefined);
  if (earlierVersion !== undefined && earlierVersion !== version) {
    throw invalidPayload(
      `SenML record ${index} has bver ${version}, but an earlier record has version ${earlierVersion}; ` +
        'all records of a pack must have the same version.',
    );
  }
  base.bver = version;
}

function readBase<T extends 'string' | 'number'>(
  record: JsonObject,
  label: string,
  type: T,
  index: number,
): (T extends 'string' ? string : number) | undefined {
  const value = record[label];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== type) {
    throw invalidPayload(
      `SenML record ${index} has ${label} ${formatValue(value)}; ${label} must be a ${type}, and it applies to all later records.`,
    );
  }

  return value as T extends 'string' ? string : number;
}

function isHeaderOnly(record: JsonObject): boolean {
  return Object.keys(record).every((label) => BASE_LABELS.includes(label) || !KNOWN_LABELS.has(label));
}

function resolveRecordOrReject(
  record: JsonObject,
  index: number,
  base: BaseFields,
): SenmlResolvedRecord | RejectionError {
  try {
    return resolveRecord(record, index, base);
  } catch (error) {
    if (error instanceof RejectionError) {
      return error;
    }
    throw error;
  }
}

function resolveRecord(record: JsonObject, index: number, base: BaseFields): SenmlResolvedRecord {
  const localName = readField(record, 'n', 'string', index) ?? '';
  const name = base.bn + localName;
  if (!NAME_PATTERN.test(name)) {
    throw invalidPayload(
      `SenML record ${index} has the name ${formatValue(name)} (bn + n); a name must start with a letter or digit ` +
        'and contain only A-Z, a-z, 0-9 and - : . / _.',
      { entryIndex: index },
    );
  }

  const unit = readField(record, 'u', 'string', index) ?? base.bu;
  const time = readField(record, 't', 'number', index) ?? 0;
  const sum = readField(record, 's', 'number', index);
  const value = resolveValue(record, index, base, name);
  if (value === undefined && sum === undefined) {
    throw invalidPayload(`SenML record ${index} (${name}) has no value (v, vs, vb, vd) and no sum (s).`, {
      entryIndex: index,
      field: name,
    });
  }

  return {
    index,
    baseName: base.bn,
    localName,
    name,
    unit,
    value,
    sum: sum === undefined ? undefined : sum + base.bs,
    timeSeconds: base.bt + time,
  };
}

function resolveValue(record: JsonObject, index: number, base: BaseFields, name: string) {
  const present = VALUE_LABELS.filter((label) => record[label] !== undefined);
  if (present.length > 1) {
    throw invalidPayload(
      `SenML record ${index} (${name}) has more than one value (${present.join(', ')}); send exactly one.`,
      { entryIndex: index, field: name },
    );
  }

  const number = readField(record, 'v', 'number', index);
  if (number !== undefined) {
    return number + base.bv;
  }

  return (
    readField(record, 'vs', 'string', index) ??
    readField(record, 'vb', 'boolean', index) ??
    readField(record, 'vd', 'string', index)
  );
}

function readField<T extends 'string' | 'number' | 'boolean'>(
  record: JsonObject,
  label: string,
  type: T,
  index: number,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = record[label];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== type) {
    throw invalidPayload(
      `SenML record ${index} has ${label} ${formatValue(value)}; ${label} must be a ${type}.`,
      {
        entryIndex: index,
      },
    );
  }

  return value as T extends 'string' ? string : T extends 'number' ? number : boolean;
}
