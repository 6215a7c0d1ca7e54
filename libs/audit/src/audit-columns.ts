import type { AuditRecord } from './audit-entry';

/** Columns of the `entries` table, the same in SQLite and PostgreSQL, in INSERT order. */
export const AUDIT_COLUMNS = [
  'sequence',
  'id',
  'time_ms',
  'action',
  'actor_kind',
  'actor_subject',
  'actor_tenant',
  'actor_roles',
  'target_tenant',
  'resource_type',
  'resource_id',
  'outcome',
  'details',
  'prev_hash',
  'hash',
] as const;

export function recordToValues(record: AuditRecord): unknown[] {
  return [
    record.sequence,
    record.id,
    record.timeMs,
    record.action,
    record.actorKind,
    record.actorSubject,
    record.actorTenant,
    record.actorRoles,
    record.targetTenant,
    record.resourceType,
    record.resourceId,
    record.outcome,
    record.details,
    record.prevHash,
    record.hash,
  ];
}

export function recordFromRow(row: Record<string, unknown>): AuditRecord {
  return {
    // node-postgres returns bigint as a string; sequence numbers and epoch milliseconds fit a double exactly.
    sequence: Number(row.sequence),
    id: row.id as string,
    timeMs: Number(row.time_ms),
    action: row.action as string,
    actorKind: row.actor_kind as string,
    actorSubject: row.actor_subject as string,
    actorTenant: row.actor_tenant as string | null,
    actorRoles: row.actor_roles as string,
    targetTenant: row.target_tenant as string | null,
    resourceType: row.resource_type as string,
    resourceId: row.resource_id as string | null,
    outcome: row.outcome as string,
    details: row.details as string,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}
