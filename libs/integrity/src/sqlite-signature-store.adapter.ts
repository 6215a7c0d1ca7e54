import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ProofRows, distinctLeaves, leafHashesBlob, proofFromRows } from './signature-store.rows';
import { type ObservationProof, type SignatureBatchEvent, SignatureStore } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signature_batches (
  batch_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  batch_json TEXT NOT NULL,
  leaf_hashes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS signature_batches_tenant ON signature_batches (tenant, created_at_ms);
CREATE TABLE IF NOT EXISTS observation_signatures (
  observation_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  observation_json TEXT NOT NULL
);
`;

/** Signatures in their own SQLite file (embedded mode). */
export class SqliteSignatureStore extends SignatureStore {
  private db?: Database.Database;

  constructor(private readonly options: { path: string }) {
    super();
  }

  async connect(): Promise<void> {
    mkdirSync(dirname(this.options.path), { recursive: true });
    this.db = new Database(this.options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async save(event: SignatureBatchEvent): Promise<void> {
    const db = this.database();
    const insertBatch = db.prepare(
      'INSERT OR IGNORE INTO signature_batches (batch_id, tenant, created_at_ms, batch_json, leaf_hashes) VALUES (?, ?, ?, ?, ?)',
    );
    // A newer signature of the same observation wins; an older batch arriving late does not.
    const upsertLeaf = db.prepare(`
      INSERT INTO observation_signatures (observation_id, tenant, batch_id, leaf_index, created_at_ms, observation_json)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (observation_id) DO UPDATE SET
        batch_id = excluded.batch_id, leaf_index = excluded.leaf_index,
        created_at_ms = excluded.created_at_ms, observation_json = excluded.observation_json
      WHERE excluded.created_at_ms >= observation_signatures.created_at_ms`);
    const { batch, tenant } = event;
    db.transaction(() => {
      insertBatch.run(batch.batchId, tenant, batch.createdAtMs, JSON.stringify(batch), leafHashesBlob(event));
      for (const leaf of distinctLeaves(event)) {
        upsertLeaf.run(leaf.observationId, tenant, batch.batchId, leaf.index, batch.createdAtMs, leaf.json);
      }
    })();
  }

  async proof(observationId: string): Promise<ObservationProof | undefined> {
    const row = this.database()
      .prepare(`
        SELECT s.observation_id, s.leaf_index, s.observation_json, b.batch_json, b.leaf_hashes
        FROM observation_signatures s JOIN signature_batches b ON b.batch_id = s.batch_id
        WHERE s.observation_id = ?`)
      .get(observationId) as ProofRows | undefined;

    return row === undefined ? undefined : proofFromRows(row);
  }

  async forgetDatastreams(tenant: string, datastreamIds: readonly string[]): Promise<number> {
    return this.database()
      .prepare(
        `DELETE FROM observation_signatures WHERE tenant = ?
         AND json_extract(observation_json, '$.datastreamId') IN (SELECT value FROM json_each(?))`,
      )
      .run(tenant, JSON.stringify(datastreamIds)).changes;
  }

  async batches(tenant: string, options: { afterCreatedAtMs?: number; limit?: number } = {}): Promise<SignedBatch[]> {
    const rows = this.database()
      .prepare('SELECT batch_json FROM signature_batches WHERE tenant = ? AND created_at_ms > ? ORDER BY created_at_ms, batch_id LIMIT ?')
      .all(tenant, options.afterCreatedAtMs ?? -1, options.limit ?? 1000) as Array<{ batch_json: string }>;

    return rows.map((row) => JSON.parse(row.batch_json) as SignedBatch);
  }

  async isHealthy(): Promise<boolean> {
    return this.db?.open === true;
  }

  async close(): Promise<void> {
    this.db?.close();
  }

  private database(): Database.Database {
    if (this.db === undefined) {
      throw new Error('SqliteSignatureStore is not connected; call connect() first');
    }

    return this.db;
  }
}
