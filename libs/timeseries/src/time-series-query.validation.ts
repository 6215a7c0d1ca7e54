import { AGGREGATES, AppError, ErrorCode, type StoredObservation } from '@stadtdaten/contracts';

import type { AggregateQuery, ObservationQuery, RangeQuery } from './time-series-store.port';

export const MIN_INTERVAL_MS = 60_000;
export const MAX_INTERVAL_MS = 86_400_000;

function invalid(message: string, details: Record<string, unknown>): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details });
}

export function validateRange(query: RangeQuery): void {
  if (typeof query.tenant !== 'string' || query.tenant.length === 0) {
    throw invalid(`invalid tenant ${JSON.stringify(query.tenant)}; pass the tenant id`, {
      tenant: query.tenant,
    });
  }
  if (typeof query.datastreamId !== 'string' || query.datastreamId.length === 0) {
    throw invalid(`invalid datastreamId ${JSON.stringify(query.datastreamId)}; pass the datastream id`, {
      datastreamId: query.datastreamId,
    });
  }
  for (const field of ['fromMs', 'toMs'] as const) {
    if (!Number.isSafeInteger(query[field])) {
      throw invalid(`invalid ${field} ${query[field]}; pass UTC epoch milliseconds as an integer`, {
        [field]: query[field],
      });
    }
  }
}

export function validateObservationQuery(query: ObservationQuery): void {
  validateRange(query);
  if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc') {
    throw invalid(`invalid order ${JSON.stringify(query.order)}; use 'asc' or 'desc'`, {
      order: query.order,
    });
  }
  if (query.limit !== undefined && (!Number.isSafeInteger(query.limit) || query.limit < 1)) {
    throw invalid(`invalid limit ${query.limit}; pass a positive integer or leave it out`, {
      limit: query.limit,
    });
  }
}

export function validateAggregateQuery(query: AggregateQuery): void {
  validateRange(query);
  if (!AGGREGATES.includes(query.aggregate)) {
    throw invalid(
      `invalid aggregate ${JSON.stringify(query.aggregate)}; use one of ${AGGREGATES.join(', ')}`,
      {
        aggregate: query.aggregate,
      },
    );
  }

  const { intervalMs } = query;
  if (!Number.isSafeInteger(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
    throw invalid(
      `invalid intervalMs ${intervalMs}; use an integer from ${MIN_INTERVAL_MS} (1 minute) to ${MAX_INTERVAL_MS} (1 day)`,
      { intervalMs, minIntervalMs: MIN_INTERVAL_MS, maxIntervalMs: MAX_INTERVAL_MS },
    );
  }
}

/** Rejects an observation that the table cannot store unchanged, naming its index and id. */
export function validateObservation(observation: StoredObservation, index: number): void {
  const problem = observationProblem(observation);
  if (problem === undefined) return;

  throw invalid(`invalid observation ${index} (id ${JSON.stringify(observation?.id)}): ${problem}`, {
    index,
    id: observation?.id,
  });
}

function observationProblem(observation: StoredObservation): string | undefined {
  for (const field of ['id', 'tenant', 'datastreamId', 'storageProfile'] as const) {
    if (typeof observation?.[field] !== 'string' || observation[field].length === 0)
      return `${field} must be a non-empty string`;
  }
  for (const field of ['phenomenonTimeMs', 'resultTimeMs', 'receivedAtMs'] as const) {
    if (!Number.isSafeInteger(observation[field])) return `${field} must be an integer of epoch milliseconds`;
  }
  if (typeof observation.result === 'number' && !Number.isFinite(observation.result)) {
    return `result ${observation.result} is not a finite number`;
  }
  if (observation.result === undefined || observation.result === null) return 'result is missing';
  if (!Array.isArray(observation.qualityFlags)) return 'qualityFlags must be an array of strings';

  return undefined;
}
