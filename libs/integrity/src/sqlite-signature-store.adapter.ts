import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SignatureBatchRecord, SignedObservation } from './signature-batch.event';
import {
  type BatchRow,
  type ObservationRow,
  collectProofs,
  proofOf,
  treeOf,
} from './signature-store.rows';
import { type ObservationProof, SignatureStore } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

// observation_signatures.created_at_ms is the batch's creation time for rows of version 1
// events and the observation's receive time for rows stored from observation events.
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

const OBSERVATION_COLUMNS = 'observation_id, batch_id, leaf_index, observation_json';
const BATCH_COLUMNS = 'batch_id, batch_json, leaf_hashes, inner_hashes';

type Statement = Database.Statement<unknown[], unknown>;

interface Statements {
  insertBatch: Statement;
  insertLeafIfMissing: Statement;
  upsertObservation: Statement;
  selectProof: Statement;
  selectObservations: Statement;
  selectBatch: Statement;
}

/** Signatures in their own SQLite file (embedded mode). */
export class SqliteSignatureStore extends SignatureStore {
  private db?: Database.Database;
  private statements?: Statements;

  constructor(private readonly options: { path: string }) {
    super();
  }

  async connect(): Promise<void> {
    mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    addInnerHashesColumn(db);
    this.db = db;
    this.statements = prepareStatements(db);
  }

  async saveBatch(record: SignatureBatchRecord): Promise<void> {
    const { insertBatch, insertLeafIfMissing } = this.prepared();
    const { batch, tenant, tree } = record;
    this.database().transaction(() => {
      insertBatch.run(batch.batchId, tenant, batch.createdAtMs, JSON.stringify(batch), tree.leafHashes, tree.innerHashes());
      for (const leaf of record.leaves) {
        insertLeafIfMissing.run(leaf.observationId, tenant, leaf.batchId, leaf.leafIndex, batch.createdAtMs, JSON.stringify(leaf.observation));
      }
    })();
  }

  async saveObservations(observations: readonly SignedObservation[]): Promise<void> {
    if (observations.length === 0) {
      return;
    }
    const { upsertObservation } = this.prepared();
    this.database().transaction(() => {
      for (const row of observations) {
        const { observation } = row;
        upsertObservation.run(row.observationId, observation.tenant, row.batchId, row.leafIndex, row.receivedAtMs, JSON.stringify(observation));
      }
    })();
  }

  async proof(observationId: string): Promise<ObservationProof | undefined> {
    const row = this.prepared().selectProof.get(observationId) as (ObservationRow & BatchRow) | undefined;

    return row === undefined ? undefined : proofOf(row, JSON.parse(row.batch_json) as SignedBatch, treeOf(row));
  }

  async proofs(observationIds: readonly string[]): Promise<ObservationProof[]> {
    const { selectObservations, selectBatch } = this.prepared();
    const rows = selectObservations.all(JSON.stringify(observationIds)) as ObservationRow[];

    return collectProofs(observationIds, rows, async (batchIds) =>
      batchIds.flatMap((batchId) => (selectBatch.get(batchId) as BatchRow | undefined) ?? []),
    );
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

  private prepared(): Statements {
    this.database();

    return this.statements!;
  }
}

/** Adds the column of the tree's inner levels to a file created before the store kept them. */
function addInnerHashesColumn(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(signature_batches)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'inner_hashes')) {
    db.exec('ALTER TABLE signature_batches ADD COLUMN inner_hashes BLOB');
  }
}

function prepareStatements(db: Database.Database): Statements {
  return {
    insertBatch: db.prepare(
      'INSERT OR IGNORE INTO signature_batches (batch_id, tenant, created_at_ms, batch_json, leaf_hashes, inner_hashes) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertLeafIfMissing: db.prepare(`
      INSERT OR IGNORE INTO observation_signatures (observation_id, tenant, batch_id, leaf_index, created_at_ms, observation_json)
      VALUES (?, ?, ?, ?, ?, ?)`),
    upsertObservation: db.prepare(`
      INSERT INTO observation_signatures (observation_id, tenant, batch_id, leaf_index, created_at_ms, observation_json)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (observation_id) DO UPDATE SET
        batch_id = excluded.batch_id, leaf_index = excluded.leaf_index,
        created_at_ms = excluded.created_at_ms, observation_json = excluded.observation_json`),
    selectProof: db.prepare(`
      SELECT s.observation_id, s.batch_id, s.leaf_index, s.observation_json, b.batch_json, b.leaf_hashes, b.inner_hashes
      FROM observation_signatures s JOIN signature_batches b ON b.batch_id = s.batch_id
      WHERE s.observation_id = ?`),
    selectObservations: db.prepare(
      `SELECT ${OBSERVATION_COLUMNS} FROM observation_signatures WHERE observation_id IN (SELECT value FROM json_each(?))`,
    ),
    selectBatch: db.prepare(`SELECT ${BATCH_COLUMNS} FROM signature_batches WHERE batch_id = ?`),
  };
}
