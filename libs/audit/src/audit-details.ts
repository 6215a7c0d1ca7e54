import { AppError, ErrorCode } from '@stadtdaten/contracts';

export type AuditDetailValue = string | number | boolean | null | AuditDetailValue[] | AuditDetails;

/** Context of an audit entry, such as a row count or a key id. */
export interface AuditDetails {
  [key: string]: AuditDetailValue;
}

/** Maximum size of the canonical JSON of one entry's details, in UTF-8 bytes. */
export const MAX_DETAILS_BYTES = 4096;

/** Maximum nesting of objects and arrays below the top-level details object. */
export const MAX_DETAILS_DEPTH = 4;

const MAX_KEY_LENGTH = 64;

/**
 * Key fragments of secrets and credentials, matched against the key in lower case with everything
 * but letters and digits removed, so `access_token`, `accessToken` and `X-Api-Key` all match.
 */
const SECRET_KEY_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'apikey',
  'privatekey',
  'authorization',
  'cookie',
  'jwt',
  'bearer',
  'sessionid',
];

/** Key fragments of direct person identifiers; pseudonyms go under other keys such as `ownerPseudonym`. */
const PERSON_KEY_FRAGMENTS = ['email', 'phone', 'ipaddress', 'iban', 'birthdate', 'dateofbirth'];

/** Whole keys (normalised as above) that name a person identifier. */
const PERSON_KEYS = new Set(['ip', 'ownerid', 'personid', 'firstname', 'lastname', 'fullname']);

/** A JSON Web Token: three base64url parts, the header starting with `{"`. */
const JWT_VALUE = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

const EMAIL_VALUE = /[^\s@"<>]+@[^\s@"<>]+\.[A-Za-z]{2,}/;

/** NUL (PostgreSQL text cannot store it) and lone UTF-16 surrogates (not valid UTF-8). */
const UNSTORABLE = /\u0000|\p{Surrogate}/u;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Validates audit details and returns their canonical JSON: object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as `JSON.stringify` writes them (the rules of RFC 8785
 * for these values). Keys whose value is `undefined` are left out, as `JSON.stringify` does.
 *
 * Throws VALIDATION_FAILED naming the path when the details are not a plain JSON object, are larger
 * than MAX_DETAILS_BYTES or are nested deeper than MAX_DETAILS_DEPTH. It also throws when a key is
 * named like a secret or a person identifier, or when a string contains a JSON Web Token or an
 * e-mail address.
 *
 * NOTE: the secret and person checks match names and patterns, so they catch mistakes but cannot
 * prove that a value contains no personal data. Callers pass ids, counts and pseudonyms only.
 */
export function canonicalDetails(details: unknown): string {
  if (!isPlainObject(details)) {
    throw invalid('details', 'details must be a plain JSON object such as { "rows": 12 }');
  }
  const json = encodeValue(details, 'details', 0);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_DETAILS_BYTES) {
    throw invalid(
      'details',
      `details are ${bytes} bytes as JSON, above the maximum ${MAX_DETAILS_BYTES}; store ids or counts instead of content`,
    );
  }

  return json;
}

function encodeValue(value: unknown, path: string, depth: number): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return encodeNumber(value, path);
  if (typeof value === 'string') return encodeString(value, path);
  if (depth > MAX_DETAILS_DEPTH && (Array.isArray(value) || isPlainObject(value))) {
    throw invalid(path, `${path} is nested deeper than ${MAX_DETAILS_DEPTH} levels; flatten the details`);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => encodeValue(item, `${path}[${index}]`, depth + 1));

    return `[${items.join(',')}]`;
  }
  if (isPlainObject(value)) return encodeObject(value, path, depth);

  throw invalid(
    path,
    `${path} is a ${describeType(value)}; use a string, number, boolean, null, array or object`,
  );
}

function encodeObject(value: Record<string, unknown>, path: string, depth: number): string {
  // Array.prototype.sort without a comparator orders by UTF-16 code units.
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  const members = keys.map((key) => {
    const memberPath = `${path}.${key}`;
    checkKey(key, memberPath);

    return `${JSON.stringify(key)}:${encodeValue(value[key], memberPath, depth + 1)}`;
  });

  return `{${members.join(',')}}`;
}

function encodeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw invalid(path, `${path} is ${value}; use a finite number or a string`);
  }

  return JSON.stringify(value);
}

function encodeString(value: string, path: string): string {
  if (UNSTORABLE.test(value)) {
    throw invalid(path, `${path} contains a NUL character or a lone UTF-16 surrogate; remove it`);
  }
  // The value itself is never echoed: it may be the secret.
  if (JWT_VALUE.test(value)) {
    throw invalid(
      path,
      `${path} contains a JSON Web Token; audit entries must not store tokens, so leave it out`,
    );
  }
  if (EMAIL_VALUE.test(value)) {
    throw invalid(path, `${path} contains an e-mail address; store a pseudonym or an account id instead`);
  }

  return JSON.stringify(value);
}

function checkKey(key: string, path: string): void {
  if (
    key.length === 0 ||
    key.length > MAX_KEY_LENGTH ||
    CONTROL_CHARACTERS.test(key) ||
    UNSTORABLE.test(key)
  ) {
    throw invalid(
      path,
      `invalid details key at ${path}; use 1 to ${MAX_KEY_LENGTH} characters without control characters`,
    );
  }
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SECRET_KEY_FRAGMENTS.some((fragment) => normalised.includes(fragment))) {
    throw invalid(
      path,
      `details key ${JSON.stringify(key)} at ${path} is named like a secret or token; audit entries must not store secrets, so leave it out or store a key id`,
    );
  }
  if (PERSON_KEYS.has(normalised) || PERSON_KEY_FRAGMENTS.some((fragment) => normalised.includes(fragment))) {
    throw invalid(
      path,
      `details key ${JSON.stringify(key)} at ${path} is named like a person identifier; store a pseudonym under another key instead`,
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);

  return prototype === Object.prototype || prototype === null;
}

function describeType(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';

  return typeof value;
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details: { field } });
}
