import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { z } from 'zod';

/** Marks a setting as secret so that it is masked wherever the configuration is logged. */
export const SECRET = 'secret';

export type Environment = Record<string, string | undefined>;

/**
 * Parses settings from environment variables with a zod object schema whose keys are the
 * variable names. Every invalid setting is reported at once, each with its variable name,
 * the value's problem and the schema's description of what it expects.
 */
export function loadConfig<T extends z.ZodObject>(schema: T, env: Environment): Readonly<z.infer<T>> {
  const raw = pickKeys(schema, env);
  const result = schema.safeParse(raw);
  if (result.success) {
    return Object.freeze(result.data);
  }

  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const field = (schema.shape as Record<string, z.ZodType>)[String(issue.path[0])];
    const secret = field?.meta()?.[SECRET] === true;
    const input = raw[String(issue.path[0])];
    const value = input === undefined || secret ? ' (not set)' : ` (value "${input}")`;

    return `${name}${value}: ${issue.message}${field?.description ? `; expected: ${field.description}` : ''}`;
  });

  throw new AppError(ErrorCode.INVALID_CONFIG, `invalid configuration:\n  ${problems.join('\n  ')}`, {
    details: { problems },
  });
}

function pickKeys(schema: z.ZodObject, env: Environment): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }

  return picked;
}

/** Returns a copy of the configuration with every setting marked secret replaced by '***'. */
export function maskSecrets<T extends z.ZodObject>(schema: T, config: Readonly<Record<string, unknown>>) {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const field = (schema.shape as Record<string, z.ZodType>)[key];
    const isSecret = field?.meta()?.[SECRET] === true;
    masked[key] = isSecret && value !== undefined ? '***' : value;
  }

  return masked;
}

/** Builds the schema of a boolean environment variable: true/false, 1/0, yes/no. */
export function booleanSetting(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
}

/** Builds the schema of a TCP port number. */
export function portSetting(defaultValue: number) {
  return z.coerce.number().int().min(0).max(65535).default(defaultValue);
}
