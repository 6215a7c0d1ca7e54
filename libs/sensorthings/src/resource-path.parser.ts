import { ENTITY_SETS, ENTITY_TYPES, type EntityTypeName } from './sensorthings-model';
import { invalidOption } from './query-option.errors';

/** One entity or entity set on the way to the addressed resource. */
export interface ResourceStep {
  type: EntityTypeName;
  /** Entity set (first step) or navigation property that leads here. */
  name: string;
  /** Id in parentheses, as a string; undefined for a whole set or a to-one navigation. */
  key?: string;
  /** True when the step addresses a set of entities. */
  many: boolean;
}

/** Name of the resource path in error messages. */
const OPTION = 'resource path';

/** A parsed resource path such as `Things('a')/Datastreams` or `Datastreams('x.y')/name/$value`. */
export interface ResourcePath {
  steps: ResourceStep[];
  /** A property of the last entity, e.g. `name`. */
  property?: string;
  /** True for `/$value`: the raw property value instead of a JSON object. */
  value: boolean;
}

/**
 * Parses the part of a URL after the service root. Keys are single-quoted strings (with ''
 * for a quote) or numbers; the path must already be percent-decoded.
 */
export function parseResourcePath(path: string): ResourcePath {
  const segments = splitSegments(path);
  if (segments.length === 0) {
    throw invalidOption(OPTION, 'the path is empty; name an entity set such as Things');
  }
  const result: ResourcePath = { steps: [], value: false };
  for (const [index, segment] of segments.entries()) {
    const match = /^([A-Za-z$][A-Za-z0-9]*)(?:\((.*)\))?$/.exec(segment);
    if (match === null) {
      throw invalidOption(
        OPTION,
        `segment "${segment}" of "${path}" is neither a name nor a name with an id in parentheses, e.g. Things('id')`,
      );
    }
    const [, name, rawKey] = match;
    const key = rawKey === undefined ? undefined : parseKey(OPTION, rawKey, segment);
    if (result.property !== undefined) {
      if (name !== '$value' || key !== undefined || index !== segments.length - 1) {
        throw invalidOption(OPTION, `only /$value may follow the property ${result.property}`);
      }
      result.value = true;
    } else {
      addSegment(result, segment, name, key);
    }
  }

  return result;
}

/** Adds an entity set, navigation or property segment to the path parsed so far. */
function addSegment(result: ResourcePath, segment: string, name: string, key: string | undefined): void {
  const previous = result.steps[result.steps.length - 1];
  if (previous === undefined) {
    result.steps.push(firstStep(OPTION, name, key));

    return;
  }
  if (previous.many) {
    throw invalidOption(
      OPTION,
      `"${segment}" follows the set ${previous.name}; address one entity first, e.g. ${previous.name}('id')/${segment}`,
    );
  }
  const definition = ENTITY_TYPES[previous.type];
  const navigation = definition.navigation[name];
  if (navigation !== undefined) {
    if (key !== undefined && !navigation.many) {
      throw invalidOption(OPTION, `${name} is a single entity and takes no id`);
    }
    result.steps.push({ type: navigation.target, name, key, many: navigation.many && key === undefined });

    return;
  }
  if (key === undefined && (Object.hasOwn(definition.properties, name) || name === 'id')) {
    result.property = name;

    return;
  }
  const members = ['id', ...Object.keys(definition.properties), ...Object.keys(definition.navigation)];

  throw invalidOption(
    OPTION,
    `${previous.type} has no property or navigation property "${name}"; use one of ${members.join(', ')}`,
  );
}

function firstStep(option: string, name: string, key: string | undefined): ResourceStep {
  const type = ENTITY_SETS[name];
  if (type === undefined) {
    throw invalidOption(
      option,
      `unknown entity set "${name}"; use one of ${Object.keys(ENTITY_SETS).join(', ')}`,
    );
  }

  return { type, name, key, many: key === undefined };
}

function parseKey(option: string, raw: string, segment: string): string {
  if (/^-?\d+$/.test(raw)) {
    return raw;
  }
  if (
    raw.length >= 2 &&
    raw.startsWith("'") &&
    raw.endsWith("'") &&
    !/(^|[^'])'(?!')/.test(raw.slice(1, -1).replace(/''/g, ''))
  ) {
    return raw.slice(1, -1).replace(/''/g, "'");
  }

  throw invalidOption(
    option,
    `the id in "${segment}" must be a number or a single-quoted string such as ('sds011-15092.P2')`,
  );
}

/** Splits at "/" outside of quoted keys and drops empty segments (a trailing slash). */
function splitSegments(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of path) {
    if (char === "'") {
      quoted = !quoted;
    }
    if (char === '/' && !quoted) {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);

  return segments.filter((segment) => segment !== '');
}
