import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { SourceDecoder } from '../decoders/source-decoder.interface';
import { cronProblem } from '../schedule/connector-scheduler';
import { type ConnectorDefinition, connectorSchema, connectorsFileSchema } from './connector-config.schema';

/**
 * Reads a connectors file (YAML, or JSON by `.json` name) and checks it as a whole: every
 * problem is reported at once, with its path and the value found, and names must be unique
 * and decoders known.
 */
/** Decoders by name, or only their names where the options need no check. */
export type KnownDecoders = readonly (string | Pick<SourceDecoder, 'name' | 'optionsSchema'>)[];

export function loadConnectorsFile(path: string, knownDecoders: KnownDecoders): ConnectorDefinition[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(ErrorCode.INVALID_CONFIG, `cannot read connectors file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  return parseConnectors(text, path, knownDecoders);
}

export function parseConnectors(text: string, sourceName: string, knownDecoders: KnownDecoders): ConnectorDefinition[] {
  let document: unknown;
  try {
    document = sourceName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `${sourceName} is not valid ${sourceName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const parsed = connectorsFileSchema.safeParse(document ?? {});
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, document));
  if (parsed.success) {
    problems.push(...crossChecks(parsed.data.connectors, knownDecoders));
  }
  if (problems.length > 0) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `${sourceName} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n- ${problems.join('\n- ')}`,
      { details: { problems } },
    );
  }

  return parsed.data!.connectors;
}

function crossChecks(connectors: ConnectorDefinition[], knownDecoders: KnownDecoders): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const decoders = new Map(
    knownDecoders.map((decoder) => (typeof decoder === 'string' ? [decoder, undefined] : [decoder.name, decoder.optionsSchema])),
  );
  connectors.forEach((connector, index) => {
    if (seen.has(connector.name)) {
      problems.push(`connectors[${index}].name: "${connector.name}" is used twice; give each connector its own name`);
    }
    seen.add(connector.name);
    if (!decoders.has(connector.decoder)) {
      problems.push(
        `connectors[${index}].decoder: unknown decoder "${connector.decoder}"; use one of ${[...decoders.keys()].join(', ')}`,
      );
    }
    const optionsCheck = decoders.get(connector.decoder)?.safeParse(connector.options);
    for (const issue of optionsCheck?.success === false ? optionsCheck.error.issues : []) {
      const path = ['options', ...issue.path.map(String)].join('.');
      problems.push(`connectors[${index}].${path}: ${issue.message}`);
    }
    if (!isKnownZone(connector.timeZone)) {
      problems.push(
        `connectors[${index}].timeZone: unknown time zone "${connector.timeZone}"; use an IANA name such as Europe/Berlin`,
      );
    } else if (connector.schedule !== undefined && 'cron' in connector.schedule) {
      const problem = cronProblem(connector.schedule.cron, connector.timeZone);
      if (problem !== undefined) {
        problems.push(
          `connectors[${index}].schedule.cron: "${connector.schedule.cron}" is not a cron expression (${problem}); write five fields such as "*/15 * * * *"`,
        );
      }
    }
  });

  return problems;
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return describeUnknownKeys(issue, document);
  }
  const path = issue.path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
  const found = valueAt(document, issue.path);
  if (typeof found === 'object' && found !== null) {
    return `${path || '(top level)'}: ${issue.message}`;
  }
  const shown = found === undefined ? 'missing' : `found ${JSON.stringify(found)?.slice(0, 80)}`;

  return `${path || '(top level)'}: ${issue.message} (${shown})`;
}

/** Names each unknown key with the allowed key it most likely meant. */
function describeUnknownKeys(issue: z.core.$ZodIssue & { keys: string[] }, document: unknown): string {
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  const where = path === '' ? '(top level)' : path;
  const allowed = allowedKeysAt(issue.path);
  const parts = issue.keys.map((key) => {
    const guess = closest(key, allowed);
    return guess === undefined ? `"${key}"` : `"${key}" (did you mean "${guess}"?)`;
  });
  void document;

  return `${where}: unknown key ${parts.join(', ')}; allowed here: ${allowed.join(', ')}`;
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  const shapes: Record<string, string[]> = {
    connector: Object.keys(connectorSchema.shape),
    source: ['url', 'file', 'folder', 'pattern', 'headers', 'clientCertificate', 'timeoutSeconds', 'maxBytes', 'retries', 'retryBaseMs', 'maxPages'],
    mapping: ['deviceType', 'deviceId', 'register', 'useCase', 'classification', 'fields', 'keys'],
    clientCertificate: ['cert', 'key', 'ca'],
    top: ['connectors'],
  };
  const last = path.at(-1);
  if (path.length === 0) return shapes.top!;
  if (typeof last === 'number') return shapes.connector!;

  return shapes[String(last)] ?? [];
}

/** The allowed key within edit distance 2 of `key`, if one is. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }

  return best?.key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }

  return row[b.length]!;
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let current = document;
  for (const part of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }

  return current;
}
