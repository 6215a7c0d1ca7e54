import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { COLUMNS, REPLACED_COLUMNS } from './rejection-columns';
import {
  type RejectionFilter,
  type RejectionResubmission,
  RejectionStore,
  type StoredRejection,
} from './rejection-store.port';

/** Columns added after the first release; connect() adds them to older tables. */
const ADDED_COLUMNS: Array<[name: string, type: string]> = [
  ['resubmitted_at_ms', 'INTEGER'],
  ['resubmitted_by', 'TEXT'],
];

/** The embedded rejection store: one SQLite table, indexed for the operators' filters. */
export class SqliteRejectionStore extends RejectionStore {
  private db?: Database.Database;

  constructor(private readonly options: { path: string }) {
    super();
  }

  async connect(): Promise<void> {
    mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path);
    db.pragma('journal_mode = WAL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS rejections (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, reason_code TEXT NOT NULL, detail TEXT NOT NULL,
        device_id TEXT NOT NULL, field TEXT NOT NULL, entry_index INTEGER NOT NULL, topic TEXT NOT NULL,
        source_protocol TEXT NOT NULL, format TEXT NOT NULL, content_type TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL, rejected_at_ms INTEGER NOT NULL, payload_base64 TEXT NOT NULL,
        validator_version TEXT NOT NULL, resubmitted_at_ms INTEGER, resubmitted_by TEXT
      );
      CREATE INDEX IF NOT EXISTS rejections_by_tenant_time ON rejections (tenant, received_at_ms DESC);
    `);
    addMissingColumns(db);
    this.db = db;
  }

  async write(rejections: StoredRejection[]): Promise<void> {
    const db = this.database();
    // The WHERE of the upsert leaves a known id unchanged unless it reopens a re-submitted rejection.
    const insert = db.prepare(
      `INSERT INTO rejections (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${REPLACED_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE rejections.resubmitted_at_ms IS NOT NULL AND excluded.received_at_ms >= rejections.resubmitted_at_ms`,
    );
    db.transaction((rows: StoredRejection[]) => {
      for (const row of rows) {
        insert.run(toRow(row));
      }
    })(rejections);
  }

  async list(filter: RejectionFilter): Promise<{ items: StoredRejection[]; total: number }> {
    const { where, params } = whereClause(filter);
    const db = this.database();
    const total = (db.prepare(`SELECT count(*) AS n FROM rejections WHERE ${where}`).get(params) as { n: number }).n;
    const rows = db
      .prepare(
        `SELECT * FROM rejections WHERE ${where} ORDER BY received_at_ms DESC, id LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: filter.limit ?? 100, offset: filter.offset ?? 0 }) as Record<string, unknown>[];

    return { items: rows.map(fromRow), total };
  }

  async get(tenant: string, id: string): Promise<StoredRejection | undefined> {
    const row = this.database().prepare('SELECT * FROM rejections WHERE tenant = ? AND id = ?').get(tenant, id);

    return row === undefined ? undefined : fromRow(row as Record<string, unknown>);
  }

  async markResubmitted(tenant: string, id: string, resubmission: RejectionResubmission): Promise<boolean> {
    const result = this.database()
      .prepare(
        `UPDATE rejections SET resubmitted_at_ms = ?, resubmitted_by = ?
         WHERE tenant = ? AND id = ? AND resubmitted_at_ms IS NULL`,
      )
      .run(resubmission.resubmittedAtMs, resubmission.resubmittedBy, tenant, id);

    return result.changes === 1;
  }

  async unmarkResubmitted(tenant: string, id: string, resubmission: RejectionResubmission): Promise<void> {
    this.database()
      .prepare(
        `UPDATE rejections SET resubmitted_at_ms = NULL, resubmitted_by = NULL
         WHERE tenant = ? AND id = ? AND resubmitted_at_ms = ? AND resubmitted_by = ?`,
      )
      .run(tenant, id, resubmission.resubmittedAtMs, resubmission.resubmittedBy);
  }

  async count(tenant: string): Promise<number> {
    const row = this.database().prepare('SELECT count(*) AS n FROM rejections WHERE tenant = ?').get(tenant);

    return (row as { n: number }).n;
  }

  async deleteByDevice(tenant: string, deviceId: string): Promise<number> {
    return this.database().prepare('DELETE FROM rejections WHERE tenant = ? AND device_id = ?').run(tenant, deviceId).changes;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }

  private database(): Database.Database {
    if (this.db === undefined) {
      throw new Error('rejection store is not connected: call connect() first');
    }

    return this.db;
  }
}

function whereClause(filter: RejectionFilter): { where: string; params: Record<string, unknown> } {
  const conditions = ['tenant = @tenant'];
  const params: Record<string, unknown> = { tenant: filter.tenant };
  if (filter.reasonCode !== undefined) {
    conditions.push('reason_code = @reasonCode');
    params.reasonCode = filter.reasonCode;
  }
  if (filter.deviceId !== undefined) {
    conditions.push('device_id = @deviceId');
    params.deviceId = filter.deviceId;
  }
  if (filter.fromMs !== undefined) {
    conditions.push('received_at_ms >= @fromMs');
    params.fromMs = filter.fromMs;
  }
  if (filter.toMs !== undefined) {
    conditions.push('received_at_ms < @toMs');
    params.toMs = filter.toMs;
  }
  if (filter.state !== undefined) {
    conditions.push(filter.state === 'open' ? 'resubmitted_at_ms IS NULL' : 'resubmitted_at_ms IS NOT NULL');
  }

  return { where: conditions.join(' AND '), params };
}

function toRow(rejection: StoredRejection): Record<(typeof COLUMNS)[number], unknown> {
  return {
    id: rejection.id,
    tenant: rejection.tenant,
    reason_code: rejection.reasonCode,
    detail: rejection.detail,
    device_id: rejection.deviceId,
    field: rejection.field,
    entry_index: rejection.entryIndex,
    topic: rejection.topic,
    source_protocol: rejection.sourceProtocol,
    format: rejection.format,
    content_type: rejection.contentType,
    received_at_ms: rejection.receivedAtMs,
    rejected_at_ms: rejection.rejectedAtMs,
    payload_base64: rejection.payloadBase64,
    validator_version: rejection.validatorVersion,
    resubmitted_at_ms: rejection.resubmittedAtMs ?? null,
    resubmitted_by: rejection.resubmittedAtMs === undefined ? null : (rejection.resubmittedBy ?? ''),
  };
}

function fromRow(row: Record<string, unknown>): StoredRejection {
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
    receivedAtMs: row.received_at_ms as number,
    rejectedAtMs: row.rejected_at_ms as number,
    payloadBase64: row.payload_base64 as string,
    validatorVersion: row.validator_version as string,
    ...(typeof row.resubmitted_at_ms === 'number'
      ? { resubmittedAtMs: row.resubmitted_at_ms, resubmittedBy: (row.resubmitted_by as string | null) ?? '' }
      : {}),
  };
}

/**
 * Adds the columns of later releases to a table created by an earlier one. The check and the
 * ALTER run in one write transaction, so processes that share the file add each column once.
 */
function addMissingColumns(db: Database.Database): void {
  db.transaction(() => {
    const existing = new Set((db.prepare('PRAGMA table_info(rejections)').all() as Array<{ name: string }>).map((column) => column.name));
    for (const [name, type] of ADDED_COLUMNS) {
      if (!existing.has(name)) {
        db.exec(`ALTER TABLE rejections ADD COLUMN ${name} ${type}`);
      }
    }
  }).immediate();
}
