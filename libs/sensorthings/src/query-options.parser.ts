import { parseFilter, parseOrderBy } from './filter-parser';
import { type QueryOptions, emptyQueryOptions } from './query-options';
import {
  ENTITY_TYPES,
  type EntityTypeName,
  ID_PROPERTIES,
  type NavigationCheck,
  describeMembers,
  validatePaths,
} from './sensorthings-model';
import { parseExpand } from './expand-option.parser';
import { invalidAt, invalidOption } from './query-option.errors';

export interface ParsedQuery {
  options: QueryOptions;
  /** Values of the extension options the caller allowed, such as $aggregate. */
  extensions: Record<string, string>;
}

const SYSTEM_OPTIONS = [
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$select',
  '$expand',
  '$resultFormat',
];

/**
 * Reads the system query options of a request. Parameters without `$` are custom options and
 * ignored, except `filter`, `top` and the like, which are rejected because the `$` is missing.
 * `extensions` lists further `$` options the caller handles itself.
 */
export function parseQueryOptions(
  parameters: Iterable<[string, string]>,
  extensions: readonly string[] = [],
): ParsedQuery {
  const seen = new Map<string, string>();
  const extensionValues: Record<string, string> = {};
  for (const [name, value] of parameters) {
    if (!name.startsWith('$')) {
      if (SYSTEM_OPTIONS.includes(`$${name}`)) {
        throw invalidOption(
          name,
          `unknown query parameter "${name}"; system query options start with "$": write $${name}`,
        );
      }
      continue;
    }
    if (seen.has(name) || Object.hasOwn(extensionValues, name)) {
      throw invalidOption(name, `given more than once; send each query option once`);
    }
    if (extensions.includes(name)) {
      extensionValues[name] = value;
      continue;
    }
    if (!SYSTEM_OPTIONS.includes(name)) {
      throw invalidOption(name, `unknown query option; use ${[...SYSTEM_OPTIONS, ...extensions].join(', ')}`);
    }
    seen.set(name, value);
  }

  return { options: optionsFrom(seen, ''), extensions: extensionValues };
}

/**
 * Checks every path, $select name and $expand navigation against the data model, starting at
 * `type`, so that a misspelt name fails with its position instead of matching nothing.
 */
export function validateQueryOptions(
  options: QueryOptions,
  type: EntityTypeName,
  navigationCheck?: NavigationCheck,
  prefix = '',
): void {
  const definition = ENTITY_TYPES[type];
  if (options.filter !== undefined) {
    validatePaths(options.filter, type, `${prefix}$filter`, options.filterText ?? '', navigationCheck);
  }
  for (const item of options.orderBy) {
    validatePaths(item.expression, type, `${prefix}$orderby`, options.orderByText ?? '', navigationCheck);
  }
  for (const name of options.select ?? []) {
    const known =
      ID_PROPERTIES.has(name) ||
      Object.hasOwn(definition.properties, name) ||
      Object.hasOwn(definition.navigation, name);
    if (!known) {
      throw invalidOption(
        `${prefix}$select`,
        `unknown property "${name}" of ${type}; use one of ${describeMembers(type)}`,
      );
    }
  }
  for (const item of options.expand) {
    const navigation = definition.navigation[item.navigation];
    if (navigation === undefined) {
      throw invalidOption(
        `${prefix}$expand`,
        `${type} has no navigation property "${item.navigation}"; use one of ${Object.keys(definition.navigation).join(', ')}`,
      );
    }
    validateQueryOptions(
      item.options,
      navigation.target,
      navigationCheck,
      `${prefix}$expand/${item.navigation}/`,
    );
  }
}

function optionsFrom(values: Map<string, string>, prefix: string): QueryOptions {
  const options = emptyQueryOptions();
  options.raw = Object.fromEntries(values);

  const filter = values.get('$filter');
  if (filter !== undefined) {
    options.filter = parseFilter(filter, `${prefix}$filter`);
    options.filterText = filter;
  }
  const orderBy = values.get('$orderby');
  if (orderBy !== undefined) {
    options.orderBy = parseOrderBy(orderBy, `${prefix}$orderby`);
    options.orderByText = orderBy;
  }
  const top = values.get('$top');
  if (top !== undefined) {
    options.top = parseCount(`${prefix}$top`, top);
  }
  const skip = values.get('$skip');
  if (skip !== undefined) {
    options.skip = parseCount(`${prefix}$skip`, skip);
  }
  const count = values.get('$count');
  if (count !== undefined) {
    options.count = parseBoolean(`${prefix}$count`, count);
  }
  const select = values.get('$select');
  if (select !== undefined) {
    options.select = parseSelect(`${prefix}$select`, select);
  }
  const expand = values.get('$expand');
  if (expand !== undefined) {
    options.expand = parseExpand(`${prefix}$expand`, expand, optionsFrom);
  }
  const resultFormat = values.get('$resultFormat');
  if (resultFormat !== undefined) {
    if (resultFormat.toLowerCase() !== 'dataarray') {
      throw invalidOption(
        `${prefix}$resultFormat`,
        `"${resultFormat}" is not supported; use dataArray or leave it out`,
      );
    }
    options.resultFormat = 'dataArray';
  }

  return options;
}

function parseCount(option: string, value: string): number {
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw invalidOption(option, `"${value}" is not a whole number; use 0 or more, e.g. ${option}=10`);
  }

  return Number(value.trim());
}

function parseBoolean(option: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') {
    throw invalidOption(option, `"${value}" is not a boolean; use true or false`);
  }

  return value === 'true';
}

function parseSelect(option: string, value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  let offset = 0;
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (!/^(@iot\.id|[A-Za-z_][A-Za-z0-9_]*)$/.test(name)) {
      throw invalidAt(
        option,
        value,
        offset + raw.indexOf(name),
        `"${name}" is not a property name; separate names with commas`,
        name.length,
      );
    }
    offset += raw.length + 1;
  }

  return [...new Set(names)];
}
