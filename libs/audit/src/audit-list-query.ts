import { AppError, ErrorCode } from '@stadtdaten/contracts';

import { AuditAction, type AuditRecord, AuditOutcome, entryFromRecord } from './audit-entry';
import type { AuditFilter, AuditPage } from './audit-log.port';

/** The parts of the SELECT of `list`, shared by the SQL adapters; column names are the same in both. */
export interface AuditListQuery {
  where: string;
  orderBy: string;
  values: unknown[];
  /** Rows to fetch: one more than the page size, to tell whether a next page exists. */
  fetchLimit: number;
  pageSize: number;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const CURSOR = /^[1-9][0-9]{0,15}$/;
const ACTOR_KINDS: readonly string[] = ['principal', 'anonymous', 'system'];
const ACTIONS: readonly string[] = Object.values(AuditAction);
const OUTCOMES: readonly string[] = Object.values(AuditOutcome);

/**
 * Validates a filter and builds the WHERE and ORDER BY clauses. `placeholder(n)` returns the
 * driver's syntax for the n-th parameter, starting at 1.
 */
export function buildAuditListQuery(
  filter: AuditFilter,
  placeholder: (position: number) => string,
): AuditListQuery {
  const pageSize = filter.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw invalid('limit', `invalid limit ${pageSize}; pass an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const order = filter.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw invalid('order', `invalid order ${JSON.stringify(order)}; use asc or desc`);
  }

  const values: unknown[] = [];
  const conditions: string[] = [];
  const add = (sql: (parameter: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(placeholder(values.length)));
  };

  if (filter.cursor !== undefined) {
    add((p) => (order === 'desc' ? `sequence < ${p}` : `sequence > ${p}`), parseCursor(filter.cursor));
  }
  if (filter.fromMs !== undefined) add((p) => `time_ms >= ${p}`, checkTime(filter.fromMs, 'fromMs'));
  if (filter.toMs !== undefined) add((p) => `time_ms < ${p}`, checkTime(filter.toMs, 'toMs'));
  if (filter.actor?.kind !== undefined)
    add((p) => `actor_kind = ${p}`, checkOneOf(filter.actor.kind, ACTOR_KINDS, 'actor.kind'));
  if (filter.actor?.subject !== undefined)
    add((p) => `actor_subject = ${p}`, checkString(filter.actor.subject, 'actor.subject'));
  if (filter.tenant !== undefined) add((p) => `target_tenant = ${p}`, checkString(filter.tenant, 'tenant'));
  if (filter.outcome !== undefined)
    add((p) => `outcome = ${p}`, checkOneOf(filter.outcome, OUTCOMES, 'outcome'));
  if (filter.resource !== undefined) {
    add((p) => `resource_type = ${p}`, checkString(filter.resource.type, 'resource.type'));
    if (filter.resource.id !== undefined)
      add((p) => `resource_id = ${p}`, checkString(filter.resource.id, 'resource.id'));
  }
  if (filter.action !== undefined) {
    const actions = typeof filter.action === 'string' ? [filter.action] : [...filter.action];
    if (actions.length === 0) {
      throw invalid('action', 'action is an empty list; leave it out to match every action');
    }
    const parameters = actions.map((action) => {
      values.push(checkOneOf(action, ACTIONS, 'action'));

      return placeholder(values.length);
    });
    conditions.push(`action IN (${parameters.join(', ')})`);
  }

  return {
    where: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '),
    orderBy: order === 'desc' ? 'sequence DESC' : 'sequence ASC',
    values,
    fetchLimit: pageSize + 1,
    pageSize,
  };
}

/** Turns the fetched records (up to `fetchLimit`) into a page and its cursor. */
export function auditPage(records: AuditRecord[], query: AuditListQuery): AuditPage {
  const items = records.slice(0, query.pageSize).map(entryFromRecord);
  const hasMore = records.length > query.pageSize;

  return { items, nextCursor: hasMore ? String(items[items.length - 1].sequence) : null };
}

function parseCursor(cursor: unknown): number {
  if (typeof cursor !== 'string' || !CURSOR.test(cursor) || !Number.isSafeInteger(Number(cursor))) {
    throw invalid(
      'cursor',
      `invalid cursor ${JSON.stringify(cursor)}; pass nextCursor of the previous page unchanged`,
    );
  }

  return Number(cursor);
}

function checkTime(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(
      field,
      `invalid ${field} ${JSON.stringify(value)}; pass UTC epoch milliseconds as an integer`,
    );
  }

  return value;
}

function checkOneOf(value: unknown, allowed: readonly string[], field: string): string {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw invalid(field, `invalid ${field} ${JSON.stringify(value)}; use one of ${allowed.join(', ')}`);
  }

  return value;
}

function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw invalid(field, `invalid ${field} ${JSON.stringify(value)}; pass a string`);
  }

  return value;
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details: { field } });
}
