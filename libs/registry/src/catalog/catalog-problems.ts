import type { z } from 'zod';
import { AppError, ErrorCode } from '@stadtdaten/contracts';

export type ProblemPath = ReadonlyArray<string | number>;

export interface CatalogProblem {
  /** Location in the document, e.g. `devices[3].type`. */
  path: string;
  message: string;
}

/** Order of the top-level sections, used to list problems in document order. */
const SECTION_ORDER = ['tenants', 'observedProperties', 'deviceTypes', 'things', 'devices'];

/** Examples appended to "missing" messages for keys whose form is not obvious. */
const MISSING_HINTS: Record<string, string> = {
  location: ', e.g. { type: Point, coordinates: [8.6512, 49.8727] } (longitude first)',
  useCase: ', e.g. air-quality',
  unit: ', a UCUM code such as ug/m3 or Cel',
  definition: ', a URI that defines the phenomenon',
  payloadFormat: ', e.g. json',
  fields: ': a list of { field, observedProperty, unit, type }',
};

const EXPECTED_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

/** Collects the problems of one catalog document so that all of them are reported at once. */
export class ProblemList {
  private readonly items: Array<{ path: ProblemPath; message: string }> = [];
  private readonly paths = new Set<string>();

  add(path: ProblemPath, message: string): void {
    this.items.push({ path, message });
    this.paths.add(formatPath(path));
  }

  /** Tests whether a problem was already reported at this path or inside it. */
  hasAt(path: ProblemPath): boolean {
    const prefix = formatPath(path);
    for (const known of this.paths) {
      if (known === prefix || known.startsWith(`${prefix}.`) || known.startsWith(`${prefix}[`)) {
        return true;
      }
    }

    return false;
  }

  get size(): number {
    return this.items.length;
  }

  /** Returns the problems in document order: by section, then entry index, then as found. */
  sorted(): CatalogProblem[] {
    const rank = (path: ProblemPath): [number, number] => {
      const section = SECTION_ORDER.indexOf(String(path[0]));
      const index = typeof path[1] === 'number' ? path[1] : -1;

      return [section === -1 ? -1 : section, index];
    };
    const ordered = [...this.items].sort((a, b) => {
      const [sectionA, indexA] = rank(a.path);
      const [sectionB, indexB] = rank(b.path);

      return sectionA - sectionB || indexA - indexB;
    });

    return ordered.map((item) => ({ path: formatPath(item.path), message: item.message }));
  }
}

/** Formats a path the way a reader finds it in the YAML: `devices[3].datastreams.P2.name`. */
export function formatPath(path: ProblemPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') {
      text += `[${part}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) {
      text += text === '' ? part : `.${part}`;
    } else {
      text += `[${JSON.stringify(part)}]`;
    }
  }

  return text === '' ? '(document)' : text;
}

/** Shows a value in a message: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);

  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Builds the message for one zod issue; schema-specific messages come from the schema itself. */
export function describeZodIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.at(-1);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_NOUNS[issue.expected] ?? issue.expected;
      if (issue.input === undefined && !('received' in issue)) {
        const hint = typeof key === 'string' ? (MISSING_HINTS[key] ?? '') : '';

        return typeof key === 'string' ? `missing; add "${key}"${hint}` : `missing; add ${expected}`;
      }
      // zod reports NaN and Infinity under `received` and not under `input`.
      const received = 'received' in issue ? String(issue.received) : showValue(issue.input);

      return `expected ${expected}, got ${received}`;
    }
    case 'too_small':
      return describeBound(issue.origin, issue.minimum, issue.inclusive ?? true, 'small');
    case 'too_big':
      return describeBound(issue.origin, issue.maximum, issue.inclusive ?? true, 'big');
    default:
      return issue.message;
  }
}

function describeBound(
  origin: string,
  limit: number | bigint,
  inclusive: boolean,
  side: 'small' | 'big',
): string {
  if (origin === 'string') {
    if (side === 'small') {
      return Number(limit) <= 1 ? 'must not be empty' : `must have at least ${limit} characters`;
    }

    return `must have at most ${limit} characters; shorten it`;
  }
  if (origin === 'array') {
    if (side === 'small') {
      return Number(limit) <= 1
        ? 'must not be empty; add at least one entry'
        : `must contain at least ${limit} entries`;
    }

    return `must contain at most ${limit} entries`;
  }
  if (side === 'small') {
    return inclusive ? `must be at least ${limit}` : `must be greater than ${limit}`;
  }

  return inclusive ? `must be at most ${limit}` : `must be less than ${limit}`;
}

/** Builds the INVALID_CATALOG error whose message lists every problem with its path. */
export function invalidCatalogError(problems: CatalogProblem[], source?: string): AppError {
  const subject = source === undefined ? 'catalog' : `catalog ${source}`;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `- ${problem.path}: ${problem.message}`);
  const message = `${subject} is invalid (${count}); fix them and apply it again:\n${lines.join('\n')}`;

  return new AppError(ErrorCode.INVALID_CATALOG, message, { details: { problems } });
}
