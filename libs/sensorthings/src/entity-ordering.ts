import type { OrderByItem } from './filter-parser';
import { evaluateFilter } from './filter-evaluator';
import type { EvaluationContext } from './filter-functions';
import { type FilterValue, ValueList, compareText, compareValues, valuesEqual } from './filter-values';

/**
 * Sorts entities in memory by $orderby items, then by id so that paging with $skip is stable.
 * Null sorts before every value; values of different kinds sort by kind name.
 */
export function sortEntities<T>(
  entities: readonly T[],
  orderBy: readonly OrderByItem[],
  context: EvaluationContext,
): T[] {
  const keyed = entities.map((entity) => ({
    entity,
    keys: orderBy.map((item) => firstValue(evaluateFilter(item.expression, entity, context))),
    id: String(
      (entity as Record<string, unknown>)['@iot.id'] ?? (entity as Record<string, unknown>).id ?? '',
    ),
  }));
  keyed.sort((a, b) => {
    for (let index = 0; index < orderBy.length; index += 1) {
      const order = compareForSort(a.keys[index], b.keys[index]);
      if (order !== 0) {
        return orderBy[index].direction === 'desc' ? -order : order;
      }
    }

    return compareText(a.id, b.id);
  });

  return keyed.map((item) => item.entity);
}

export function compareForSort(a: FilterValue, b: FilterValue): number {
  if (a === null && b === null) {
    return 0;
  }
  if (a === null || b === null) {
    return a === null ? -1 : 1;
  }
  const order = compareValues(a, b);
  if (order !== undefined) {
    return Math.sign(order);
  }
  if (valuesEqual(a, b)) {
    return 0;
  }
  const kindA = kindOf(a);
  const kindB = kindOf(b);
  if (kindA !== kindB) {
    return kindA < kindB ? -1 : 1;
  }
  const textA = JSON.stringify(a);
  const textB = JSON.stringify(b);

  return compareText(textA, textB);
}

function firstValue(value: FilterValue): FilterValue {
  return value instanceof ValueList ? (value.values[0] ?? null) : value;
}

function kindOf(value: FilterValue): string {
  return typeof value === 'object' ? (value?.constructor?.name ?? 'object') : typeof value;
}
