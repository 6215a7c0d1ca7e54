import { z } from 'zod';
import { showValue } from './catalog-problems';

/** Builds a strict mapping schema whose unknown-key message lists the allowed keys. */
export function entry<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');

  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}; allowed keys are ${allowed}`
        : undefined,
  });
}

export function oneOf<T extends string>(values: readonly T[], noun: string) {
  return z.enum(values as unknown as [T, ...T[]], {
    error: (issue) =>
      issue.input === undefined
        ? `missing; add a ${noun}: one of ${values.join(', ')}`
        : `unknown ${noun} ${showValue(issue.input)}; use one of ${values.join(', ')}`,
  });
}

export function pattern(regex: RegExp, noun: string, rule: string) {
  return z.string().regex(regex, { error: (issue) => `invalid ${noun} ${showValue(issue.input)}; ${rule}` });
}
