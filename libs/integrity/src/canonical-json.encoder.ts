export type JsonValue = null | boolean | number | string | JsonValue[] | { [member: string]: JsonValue };

/** Deepest nesting of arrays and objects accepted in a JSON result. */
export const MAX_JSON_DEPTH = 64;

/** Tests that a string has no lone surrogates, so its UTF-8 encoding is lossless. */
export function isWellFormedText(value: string): boolean {
  // String.prototype.isWellFormed is ES2024 (Node.js 20), newer than the ES2023 library this project compiles against.
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Serialises a JSON value per RFC 8785 (JSON Canonicalization Scheme): object members sorted
 * by their names as UTF-16 code units, no whitespace, numbers in the shortest ECMAScript
 * form, strings with the minimal JSON escapes. Throws a TypeError naming the path of a value
 * JSON cannot carry (undefined, a function, NaN, Infinity, a lone surrogate) or of nesting
 * deeper than MAX_JSON_DEPTH.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', 0);
}

function serialise(value: unknown, path: string, depth: number): string {
  if (value === null || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError(`${path} is ${value}, which JSON cannot represent`);
    }
    // JSON.stringify of a finite number is ECMAScript Number::toString, which RFC 8785 prescribes, and writes -0 as 0.
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (!isWellFormedText(value)) {
      throw new TypeError(`${path} contains a lone UTF-16 surrogate`);
    }

    return JSON.stringify(value);
  }
  if (depth >= MAX_JSON_DEPTH) {
    throw new TypeError(`${path} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => serialise(item, `${path}[${index}]`, depth + 1));

    return `[${items.join(',')}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    return serialiseObject(value as Record<string, unknown>, path, depth);
  }

  throw new TypeError(`${path} has type ${typeof value}, which JSON cannot represent`);
}

function serialiseObject(value: Record<string, unknown>, path: string, depth: number): string {
  // The default sort compares UTF-16 code units, the order RFC 8785 section 3.2.3 requires.
  const names = Object.keys(value).sort();
  const members = names.map((name) => {
    const memberPath = `${path}.${name}`;
    if (!isWellFormedText(name)) {
      throw new TypeError(`member name at ${memberPath} contains a lone UTF-16 surrogate`);
    }

    return `${JSON.stringify(name)}:${serialise(value[name], memberPath, depth + 1)}`;
  });

  return `{${members.join(',')}}`;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);

  return prototype === Object.prototype || prototype === null;
}
