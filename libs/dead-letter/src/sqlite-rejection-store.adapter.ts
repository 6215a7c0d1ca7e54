import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type RejectionFilter, RejectionStore, type StoredRejection } from './rejection-store.port';

const COLUMNS = [
  'id',
  'tenant',
  'reason_code',
  'detail',
  'device_id',
  'field',
  'entry_index',
  'topic',
  'source_protocol',
  'format',
  'content_type',
  'received_at_ms',
  'rejected_at_ms',
  'payload_base64',
  'validator_version',
] as const;

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
        validator_version TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS rejections_by_tenant_time ON rejections (tenant, received_at_ms DESC);
    `);
    this.db = db;
  }

  async write(rejections: StoredRejection[]): Promise<void> {
    const db = this.database();
    const insert = db.prepare(
      `INSERT OR IGNORE INTO rejections (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`,
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
  };
}
