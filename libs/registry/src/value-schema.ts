/** A problem of a value schema, keyed by the schema key it concerns. */
export interface ValueSchemaProblem {
  key: 'type' | 'min' | 'max' | 'recipientKid';
  message: string;
}

const NUMERIC_TYPES = new Set(['number', 'integer']);

/**
 * Checks the rules between the keys of a value schema: `min` and `max` apply to numeric
 * types only, and `min` must not exceed `max`. Keys of the wrong type are left to the
 * schema check of the caller.
 */
export function valueSchemaProblems(schema: Record<string, unknown>): ValueSchemaProblem[] {
  const problems: ValueSchemaProblem[] = [];
  const { type, min, max } = schema;
  const numericType = typeof type !== 'string' || NUMERIC_TYPES.has(type);
  for (const key of ['min', 'max'] as const) {
    if (typeof schema[key] === 'number' && !numericType) {
      problems.push({
        key,
        message: `${key} applies only to number and integer values, not to ${type}; remove ${key} or change type`,
      });
    }
  }
  if (schema.recipientKid !== undefined && type !== 'jwe') {
    problems.push({ key: 'recipientKid', message: `recipientKid applies only to jwe values, not to ${type}; remove it or change type` });
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    problems.push({
      key: 'max',
      message: `max ${max} is less than min ${min}; swap them or correct one of them`,
    });
  }

  return problems;
}
