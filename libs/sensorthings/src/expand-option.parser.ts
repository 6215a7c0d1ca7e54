import { type ExpandItem, type QueryOptions, emptyQueryOptions } from './query-options';
import { QueryOptionError, invalidAt } from './query-option.errors';

/** Options an expanded navigation may carry inside its parentheses. */
const EXPAND_OPTIONS = ['$filter', '$orderby', '$top', '$skip', '$count', '$select', '$expand'];

/** Reads the option values of one request or expanded navigation; `prefix` names the nesting in messages. */
export type OptionsReader = (values: Map<string, string>, prefix: string) => QueryOptions;

/**
 * Parses `$expand`: comma-separated navigation paths, each optionally followed by options in
 * parentheses separated by `;`, e.g. `Datastreams($top=1;$expand=Observations($orderby=phenomenonTime desc))`.
 * A path `Datastream/Thing` expands Datastream and, inside it, Thing.
 */
export function parseExpand(option: string, value: string, readOptions: OptionsReader): ExpandItem[] {
  const items: ExpandItem[] = [];
  for (const part of splitTopLevel(option, value, ',')) {
    const open = part.text.indexOf('(');
    const pathText = (open < 0 ? part.text : part.text.slice(0, open)).trim();
    const segments = pathText.split('/');
    if (segments.some((segment) => !/^[A-Za-z][A-Za-z0-9]*$/.test(segment))) {
      throw invalidAt(
        option,
        value,
        part.offset,
        `"${pathText}" is not a navigation path such as Datastreams or Datastream/Thing`,
        part.text.length,
      );
    }
    let inner = emptyQueryOptions();
    if (open >= 0) {
      if (!part.text.trimEnd().endsWith(')')) {
        throw invalidAt(
          option,
          value,
          part.offset + open,
          'options of an expanded navigation must end with ")"',
          part.text.length - open,
        );
      }
      const body = part.text.slice(open + 1, part.text.trimEnd().length - 1);
      inner = expandOptions(
        `${option}/${segments.join('/')}/`,
        body,
        value,
        part.offset + open + 1,
        readOptions,
      );
    }
    mergeExpand(items, segments, inner);
  }

  return items;
}

function expandOptions(
  prefix: string,
  body: string,
  whole: string,
  bodyOffset: number,
  readOptions: OptionsReader,
): QueryOptions {
  const values = new Map<string, string>();
  for (const part of splitTopLevel(prefix.slice(0, -1), body, ';')) {
    const equals = part.text.indexOf('=');
    const name = (equals < 0 ? part.text : part.text.slice(0, equals)).trim();
    if (equals < 0 || !EXPAND_OPTIONS.includes(name)) {
      throw invalidAt(
        prefix.slice(0, prefix.indexOf('/')),
        whole,
        bodyOffset + part.offset,
        `"${name}" is not an option of an expanded navigation; use ${EXPAND_OPTIONS.join(', ')} as name=value separated by ";"`,
        part.text.length,
      );
    }
    if (values.has(name)) {
      throw new QueryOptionError(`${prefix}${name}`, `${prefix}${name}: given more than once`);
    }
    values.set(name, part.text.slice(equals + 1).trim());
  }

  return readOptions(values, prefix);
}

/** Adds an expansion by path, nesting `A/B` as B inside A and merging items with the same navigation. */
function mergeExpand(items: ExpandItem[], segments: string[], leaf: QueryOptions): void {
  const [first, ...rest] = segments;
  let item = items.find((candidate) => candidate.navigation === first);
  if (item === undefined) {
    item = { navigation: first, options: rest.length === 0 ? leaf : emptyQueryOptions() };
    items.push(item);
  } else if (rest.length === 0) {
    item.options = {
      ...leaf,
      expand: [...item.options.expand, ...leaf.expand],
      raw: mergeRawExpand(item.options.raw, leaf.raw),
    };
  }
  if (rest.length > 0) {
    mergeExpand(item.options.expand, rest, leaf);
    const inner = Object.entries(leaf.raw)
      .map(([name, value]) => `${name}=${value}`)
      .join(';');
    const text = inner === '' ? rest.join('/') : `${rest.join('/')}(${inner})`;
    item.options.raw.$expand =
      item.options.raw.$expand === undefined ? text : `${item.options.raw.$expand},${text}`;
  }
}

/** Joins the raw options of two mentions of one navigation; their $expand values are combined with a comma. */
function mergeRawExpand(
  earlier: Record<string, string>,
  later: Record<string, string>,
): Record<string, string> {
  const merged = { ...earlier, ...later };
  if (earlier.$expand !== undefined && later.$expand !== undefined) {
    merged.$expand = `${earlier.$expand},${later.$expand}`;
  }

  return merged;
}

/** Splits at `separator` outside of parentheses and single-quoted strings, keeping each part's offset. */
function splitTopLevel(
  option: string,
  text: string,
  separator: string,
): Array<{ text: string; offset: number }> {
  const parts: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'") {
      quoted = !quoted;
    } else if (!quoted && char === '(') {
      depth += 1;
    } else if (!quoted && char === ')') {
      depth -= 1;
      if (depth < 0) {
        throw invalidAt(option, text, index, '")" without a matching "("');
      }
    } else if (!quoted && depth === 0 && char === separator) {
      parts.push({ text: text.slice(start, index), offset: start });
      start = index + 1;
    }
  }
  if (quoted || depth > 0) {
    throw invalidAt(
      option,
      text,
      start,
      quoted ? 'string literal without a closing quote' : '"(" without a matching ")"',
      text.length - start,
    );
  }
  parts.push({ text: text.slice(start), offset: start });

  return parts.filter((part) => part.text.trim() !== '' || parts.length === 1);
}
