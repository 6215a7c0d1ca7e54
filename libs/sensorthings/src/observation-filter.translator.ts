import { type ComparisonOperator, type FilterNode, conjunctsOf, joinConjuncts, pathsOf } from './filter-ast';
import { evaluateFilter, matchesFilter } from './filter-evaluator';
import type { EvaluationContext } from './filter-functions';
import { asDateTime } from './filter-values';

/** Split of an Observations $filter into a store query and the rest, which runs in memory. */
export interface ObservationFilterPlan {
  /** Inclusive start of the phenomenon-time range, UTC epoch ms; undefined leaves it open. */
  fromMs?: number;
  /** Exclusive end of the phenomenon-time range; undefined leaves it open. */
  toMs?: number;
  /** True when the conditions exclude every observation (an empty time range, a constant false). */
  empty: boolean;
  /** Datastream ids that `Datastream/id eq '…'` (or an `or` of such) limits the query to. */
  datastreamIds?: string[];
  /** Conditions that read only the observation's Datastream and FeatureOfInterest: evaluate them once per datastream. */
  datastreamFilter?: FilterNode;
  /** Every other condition, evaluated per observation. */
  remainingFilter?: FilterNode;
}

/** Navigation properties of an Observation whose value is the same for every observation of a datastream. */
const DATASTREAM_LEVEL_ROOTS = new Set(['Datastream', 'MultiDatastream', 'FeatureOfInterest']);
const FLIPPED: Record<ComparisonOperator, ComparisonOperator> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'lt',
  ge: 'le',
  lt: 'gt',
  le: 'ge',
};

/**
 * Splits the top-level `and` terms of an Observations filter into three parts. Comparisons of
 * phenomenonTime (or year(phenomenonTime)) with a constant become the time range. Terms that
 * only read the Datastream or FeatureOfInterest become the per-datastream filter, and the rest
 * stays in memory. A term that becomes the range is not repeated in the remaining filter,
 * because the range selects exactly the observations it accepts.
 */
export function planObservationFilter(
  filter: FilterNode | undefined,
  context: EvaluationContext,
): ObservationFilterPlan {
  const plan: ObservationFilterPlan = { empty: false };
  const datastreamTerms: FilterNode[] = [];
  const remainingTerms: FilterNode[] = [];
  for (const term of filter === undefined ? [] : conjunctsOf(filter)) {
    const paths = pathsOf(term);
    if (paths.length === 0) {
      plan.empty ||= !matchesFilter(term, {}, context);
      continue;
    }
    if (paths.every((path) => DATASTREAM_LEVEL_ROOTS.has(path.segments[0]))) {
      datastreamTerms.push(term);
      narrowIds(plan, datastreamIdsOf(term));
      continue;
    }
    const range = timeRangeOf(term, context);
    if (range === undefined) {
      remainingTerms.push(term);
      continue;
    }
    plan.fromMs = maxDefined(plan.fromMs, range.fromMs);
    plan.toMs = minDefined(plan.toMs, range.toMs);
  }
  if (plan.fromMs !== undefined && plan.toMs !== undefined && plan.fromMs >= plan.toMs) {
    plan.empty = true;
  }
  if (plan.datastreamIds?.length === 0) {
    plan.empty = true;
  }
  plan.datastreamFilter = joinConjuncts(datastreamTerms);
  plan.remainingFilter = joinConjuncts(remainingTerms);

  return plan;
}

function timeRangeOf(
  term: FilterNode,
  context: EvaluationContext,
): { fromMs?: number; toMs?: number } | undefined {
  if (term.kind !== 'binary' || !['eq', 'gt', 'ge', 'lt', 'le'].includes(term.operator)) {
    return undefined;
  }
  const operator = term.operator as ComparisonOperator;
  const leftConstant = pathsOf(term.left).length === 0;
  const rightConstant = pathsOf(term.right).length === 0;
  if (leftConstant === rightConstant) {
    return undefined;
  }
  const subject = leftConstant ? term.right : term.left;
  const constant = evaluateFilter(leftConstant ? term.left : term.right, {}, context);
  const op = leftConstant ? FLIPPED[operator] : operator;
  if (isPhenomenonTime(subject)) {
    const instant = asDateTime(constant);

    return instant === undefined ? undefined : rangeFor(op, instant.ms, instant.ms + 1);
  }
  if (
    subject.kind === 'call' &&
    subject.name === 'year' &&
    isPhenomenonTime(subject.args[0]) &&
    Number.isInteger(constant)
  ) {
    const year = constant as number;

    return rangeFor(op, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
  }

  return undefined;
}

/** Returns the range of the values v with `v op x`, where x covers [startMs, endMs). */
function rangeFor(
  operator: ComparisonOperator,
  startMs: number,
  endMs: number,
): { fromMs?: number; toMs?: number } {
  switch (operator) {
    case 'eq':
      return { fromMs: startMs, toMs: endMs };
    case 'gt':
      return { fromMs: endMs };
    case 'ge':
      return { fromMs: startMs };
    case 'lt':
      return { toMs: startMs };
    case 'le':
      return { toMs: endMs };
    default:
      return {};
  }
}

function isPhenomenonTime(node: FilterNode | undefined): boolean {
  return node?.kind === 'path' && node.segments.length === 1 && node.segments[0] === 'phenomenonTime';
}

/** Ids from `Datastream/id eq 'x'`, or an `or` of such terms; undefined for any other term. */
function datastreamIdsOf(term: FilterNode): string[] | undefined {
  if (term.kind !== 'binary') {
    return undefined;
  }
  if (term.operator === 'or') {
    const left = datastreamIdsOf(term.left);
    const right = datastreamIdsOf(term.right);

    return left === undefined || right === undefined ? undefined : [...new Set([...left, ...right])];
  }
  if (term.operator !== 'eq') {
    return undefined;
  }
  const [path, literal] = term.left.kind === 'path' ? [term.left, term.right] : [term.right, term.left];
  const isIdPath =
    path.kind === 'path' &&
    path.segments.length === 2 &&
    path.segments[0] === 'Datastream' &&
    ['id', '@iot.id'].includes(path.segments[1]);
  if (
    !isIdPath ||
    literal.kind !== 'literal' ||
    (typeof literal.value !== 'string' && typeof literal.value !== 'number')
  ) {
    return undefined;
  }

  return [String(literal.value)];
}

function narrowIds(plan: ObservationFilterPlan, ids: string[] | undefined): void {
  if (ids === undefined) {
    return;
  }
  plan.datastreamIds =
    plan.datastreamIds === undefined ? ids : plan.datastreamIds.filter((id) => ids.includes(id));
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) {
    return a ?? b;
  }

  return Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) {
    return a ?? b;
  }

  return Math.min(a, b);
}
