import type { ArithmeticOperator, ComparisonOperator, FilterNode } from './filter-ast';
import { type EvaluationContext, FILTER_FUNCTIONS } from './filter-functions';
import {
  DateTimeValue,
  DurationValue,
  type FilterValue,
  ValueList,
  asDateTime,
  compareValues,
  valuesEqual,
} from './filter-values';

/**
 * Evaluates a parsed expression against one entity in memory. The entity is a plain object
 * with its properties, its id under `@iot.id` (or `id`) and its related entities under their
 * navigation names: an object for Datastream, an array for Datastreams. A path through an
 * array yields every value it reaches, and a comparison or function on them holds when it
 * holds for one of them.
 */
export function evaluateFilter(node: FilterNode, entity: unknown, context: EvaluationContext): FilterValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path':
      return resolvePath(entity, node.segments);
    case 'not': {
      const value = truthOf(evaluateFilter(node.operand, entity, context));

      return value === null ? null : !value;
    }
    case 'negate':
      return mapValues(evaluateFilter(node.operand, entity, context), negate);
    case 'binary':
      return evaluateBinary(node, entity, context);
    case 'call':
      return evaluateCall(
        node.name,
        node.args.map((arg) => evaluateFilter(arg, entity, context)),
        context,
      );
  }
}

/** True when the expression is true for the entity; null, false and other values are no match. */
export function matchesFilter(node: FilterNode, entity: unknown, context: EvaluationContext): boolean {
  return truthOf(evaluateFilter(node, entity, context)) === true;
}

/** Reads a path from an entity; `id` and `@iot.id` both read the entity's id. */
export function resolvePath(entity: unknown, segments: readonly string[]): FilterValue {
  let values: unknown[] = [entity];
  let many = false;
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of values) {
      if (Array.isArray(value) && !/^\d+$/.test(segment)) {
        many = true;
        next.push(...value.map((element) => memberOf(element, segment)));
      } else {
        next.push(memberOf(value, segment));
      }
    }
    values = next.flatMap((value) => (value === undefined ? [] : [value]));
  }
  if (many) {
    return new ValueList(
      values.flatMap((value) => (Array.isArray(value) ? value : [value])) as FilterValue[],
    );
  }

  return values.length === 0 ? null : (values[0] as FilterValue);
}

function memberOf(value: unknown, segment: string): unknown {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (segment === 'id' || segment === '@iot.id') {
    return record['@iot.id'] ?? record.id;
  }

  return Object.hasOwn(record, segment) ? record[segment] : undefined;
}

function evaluateBinary(
  node: FilterNode & { kind: 'binary' },
  entity: unknown,
  context: EvaluationContext,
): FilterValue {
  if (node.operator === 'and') {
    return (
      truthOf(evaluateFilter(node.left, entity, context)) === true &&
      truthOf(evaluateFilter(node.right, entity, context)) === true
    );
  }
  if (node.operator === 'or') {
    return (
      truthOf(evaluateFilter(node.left, entity, context)) === true ||
      truthOf(evaluateFilter(node.right, entity, context)) === true
    );
  }
  const left = evaluateFilter(node.left, entity, context);
  const right = evaluateFilter(node.right, entity, context);
  if (['add', 'sub', 'mul', 'div', 'mod'].includes(node.operator)) {
    return combine(left, right, (a, b) => arithmetic(node.operator as ArithmeticOperator, a, b));
  }

  return anyPair(left, right, (a, b) => compare(node.operator as ComparisonOperator, a, b));
}

function compare(operator: ComparisonOperator, left: FilterValue, right: FilterValue): boolean {
  if (operator === 'eq') {
    return valuesEqual(left, right);
  }
  if (operator === 'ne') {
    return !valuesEqual(left, right);
  }
  if (left === null || right === null) {
    return false;
  }
  const order = compareValues(left, right);
  if (order === undefined) {
    return false;
  }
  switch (operator) {
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

/**
 * Arithmetic on numbers, plus datetime ± duration, datetime − datetime and duration ± duration.
 * `div` divides as floating point, also for whole numbers; division by zero yields null.
 */
function arithmetic(operator: ArithmeticOperator, left: FilterValue, right: FilterValue): FilterValue {
  if (typeof left === 'number' && typeof right === 'number') {
    switch (operator) {
      case 'add':
        return left + right;
      case 'sub':
        return left - right;
      case 'mul':
        return left * right;
      case 'div':
        return right === 0 ? null : left / right;
      case 'mod':
        return right === 0 ? null : left % right;
    }
  }
  const instant = asDateTime(left);
  if (instant !== undefined && right instanceof DurationValue && (operator === 'add' || operator === 'sub')) {
    return new DateTimeValue(instant.ms + (operator === 'add' ? right.ms : -right.ms), instant.offsetMinutes);
  }
  const other = asDateTime(right);
  if (instant !== undefined && other !== undefined && operator === 'sub') {
    return new DurationValue(instant.ms - other.ms);
  }
  if (
    left instanceof DurationValue &&
    right instanceof DurationValue &&
    (operator === 'add' || operator === 'sub')
  ) {
    return new DurationValue(operator === 'add' ? left.ms + right.ms : left.ms - right.ms);
  }

  return null;
}

function negate(value: FilterValue): FilterValue {
  if (typeof value === 'number') {
    return -value;
  }

  return value instanceof DurationValue ? new DurationValue(-value.ms) : null;
}

function evaluateCall(name: string, args: FilterValue[], context: EvaluationContext): FilterValue {
  const definition = FILTER_FUNCTIONS[name];
  const listIndex = args.findIndex((arg) => arg instanceof ValueList);
  if (listIndex < 0) {
    return definition.apply(args, context);
  }
  const list = args[listIndex] as ValueList;
  const results = list.values.map((value) =>
    evaluateCall(
      name,
      args.map((arg, index) => (index === listIndex ? value : arg)),
      context,
    ),
  );

  return new ValueList(results);
}

/** True, false, or null for anything that is not a boolean; a list is true when one member is. */
function truthOf(value: FilterValue): boolean | null {
  if (value instanceof ValueList) {
    return value.values.some((member) => truthOf(member) === true);
  }

  return typeof value === 'boolean' ? value : null;
}

function anyPair(
  left: FilterValue,
  right: FilterValue,
  test: (a: FilterValue, b: FilterValue) => boolean,
): boolean {
  const lefts = left instanceof ValueList ? left.values : [left];
  const rights = right instanceof ValueList ? right.values : [right];

  return lefts.some((a) => rights.some((b) => test(a, b)));
}

function combine(
  left: FilterValue,
  right: FilterValue,
  body: (a: FilterValue, b: FilterValue) => FilterValue,
): FilterValue {
  if (!(left instanceof ValueList) && !(right instanceof ValueList)) {
    return body(left, right);
  }
  const lefts = left instanceof ValueList ? left.values : [left];
  const rights = right instanceof ValueList ? right.values : [right];

  return new ValueList(lefts.flatMap((a) => rights.map((b) => body(a, b))));
}

function mapValues(value: FilterValue, body: (value: FilterValue) => FilterValue): FilterValue {
  return value instanceof ValueList ? new ValueList(value.values.map(body)) : body(value);
}
