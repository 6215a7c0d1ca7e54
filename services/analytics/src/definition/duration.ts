import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads a duration such as `90s`, `15m`, `4h` or `28d` into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) {
    return undefined;
  }

  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Writes milliseconds in the largest unit that divides them, e.g. 3_600_000 as `1h`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) {
      return `${ms / UNIT_MS[unit]}${unit}`;
    }
  }

  return `${ms}ms`;
}

/** Schema of a duration setting, in milliseconds after parsing, between `minMs` and `maxMs`. */
export function durationSchema(minMs: number, maxMs: number) {
  return z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      context.addIssue({
        code: 'custom',
        message: `invalid duration "${text}"; write a number and ms, s, m, h or d from ${formatDuration(minMs)} to ${formatDuration(maxMs)}, e.g. 15m`,
      });

      return z.NEVER;
    }

    return ms;
  });
}
