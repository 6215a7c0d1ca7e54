import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { z } from 'zod';

/**
 * Checks a connector's `options` against a decoder's zod schema and returns the parsed
 * options with defaults filled in. Throws AppError INVALID_CONFIG that lists every invalid
 * option as `- options.<path>: <problem>`.
 */
export function parseDecoderOptions<Schema extends z.ZodType>(
  schema: Schema,
  options: Record<string, unknown>,
  decoderName: string,
): z.output<Schema> {
  const parsed = schema.safeParse(options);
  if (parsed.success) {
    return parsed.data;
  }

  const problems = parsed.error.issues.map((issue) => {
    const path = ['options', ...issue.path.map(String)].join('.');

    return `- ${path}: ${issue.message}`;
  });
  throw new AppError(
    ErrorCode.INVALID_CONFIG,
    `Invalid options for decoder ${decoderName}; fix them in the connector configuration:\n${problems.join('\n')}`,
    { details: { decoder: decoderName, problems } },
  );
}
