import { COLUMNS, REPLACED_COLUMNS } from './rejection-columns';
import type { RejectionFilter, StoredRejection } from './rejection-store.port';

// Statements of the PostgreSQL rejection store, and the mapping between its rows and StoredRejection.

export { COLUMNS };

export function insertStatement(table: string, rows: number): string {
  const placeholders = Array.from({ length: rows }, (_, row) => {
    const first = row * COLUMNS.length;

    return `(${COLUMNS.map((_column, index) => `$${first + index + 1}`).join(', ')})`;
  });

  return `INSERT INTO ${table} AS stored (${COLUMNS.join(', ')}) VALUES ${placeholders.join(', ')}
    ON CONFLICT (id) DO UPDATE SET ${REPLACED_COLUMNS.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
    WHERE stored.resubmitted_at_ms IS NOT NULL AND EXCLUDED.received_at_ms >= stored.resubmitted_at_ms`;
}

export function firstOfEachId(rejections: StoredRejection[]): StoredRejection[] {
  const seen = new Set<string>();

  return rejections.filter((rejection) => {
    if (seen.has(rejection.id)) return false;
    seen.add(rejection.id);

    return true;
  });
}

/**
 * PostgreSQL text cannot contain the NUL character, which SQLite stores.
 *
 * NOTE: NUL characters in text columns are stored as U+FFFD, so such a rejection reads back
 * changed; the payload itself is base64 and unaffected.
 */
export function text(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

export function toValues(rejection: StoredRejection): unknown[] {
  return [
    text(rejection.id),
    text(rejection.tenant),
    text(rejection.reasonCode),
    text(rejection.detail),
    text(rejection.deviceId),
    text(rejection.field),
    rejection.entryIndex,
    text(rejection.topic),
    text(rejection.sourceProtocol),
    text(rejection.format),
    text(rejection.contentType),
    rejection.receivedAtMs,
    rejection.rejectedAtMs,
    rejection.payloadBase64,
    text(rejection.validatorVersion),
    rejection.resubmittedAtMs ?? null,
    rejection.resubmittedAtMs === undefined ? null : text(rejection.resubmittedBy ?? ''),
  ];
}

export function whereClause(filter: RejectionFilter): { where: string; values: unknown[] } {
  const values: unknown[] = [filter.tenant];
  const conditions = ['tenant = $1'];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(`$${values.length}`));
  };
  if (filter.reasonCode !== undefined) add((p) => `reason_code = ${p}`, filter.reasonCode);
  if (filter.deviceId !== undefined) add((p) => `device_id = ${p}`, filter.deviceId);
  if (filter.fromMs !== undefined) add((p) => `received_at_ms >= ${p}`, filter.fromMs);
  if (filter.toMs !== undefined) add((p) => `received_at_ms < ${p}`, filter.toMs);
  if (filter.state === 'open') conditions.push('resubmitted_at_ms IS NULL');
  if (filter.state === 'resubmitted') conditions.push('resubmitted_at_ms IS NOT NULL');

  return { where: conditions.join(' AND '), values };
}

export function fromRow(row: Record<string, unknown>): StoredRejection {
  return {
    id: row.id as string,
    tenant: row.tenant as string,
    reasonCode: row.reason_code as string,
    detail: row.detail as string,
    deviceId: row.device_id as string,
    field: row.field as string,
    entryIndex: row.entry_index as number,
    topic: row.topic as string,
    sourceProtocol: row.source_protocol as string,
    format: row.format as string,
    contentType: row.content_type as string,
    // node-postgres returns bigint as a string; epoch milliseconds fit a double exactly.
    receivedAtMs: Number(row.received_at_ms),
    rejectedAtMs: Number(row.rejected_at_ms),
    payloadBase64: row.payload_base64 as string,
    validatorVersion: row.validator_version as string,
    ...(row.resubmitted_at_ms === null
      ? {}
      : { resubmittedAtMs: Number(row.resubmitted_at_ms), resubmittedBy: (row.resubmitted_by as string | null) ?? '' }),
  };
}
