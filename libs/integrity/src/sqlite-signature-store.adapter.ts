import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SignatureBatchRecord, SignedObservation } from './signature-batch.event';
import { ChunkReader, type SignedChunk, chunksOf } from './signature-store.chunks';
import {
  type BatchRow,
  type ChunkRow,
  type LeafIndexRow,
  type LeafSource,
  type LegacyObservationRow,
  collectProofs,
  readLeaves,
} from './signature-store.rows';
import { type ObservationProof, SignatureStore } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

// signed_chunks contains the signed fields of the observations of one saveObservations call and
// batch (see signature-store.chunks.ts), and observation_leaves points each observation id at
// its entry there. observation_signatures, one JSON row per observation, is the previous layout:
// it is read and erased but no longer written. Its created_at_ms is the batch's creation time
// for rows of version 1 events and the observation's receive time for the other rows.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS signature_batches (
  batch_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  batch_json TEXT NOT NULL,
  leaf_hashes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS signature_batches_tenant ON signature_batches (tenant, created_at_ms);
CREATE TABLE IF NOT EXISTS signed_chunks (
  chunk_id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  datastream_ids TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS signed_chunks_tenant ON signed_chunks (tenant);
CREATE TABLE IF NOT EXISTS observation_leaves (
  observation_id TEXT PRIMARY KEY,
  chunk_id INTEGER NOT NULL,
  position INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS observation_signatures (
  observation_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  observation_json TEXT NOT NULL
);
`;

/**
 * WAL pages after which a commit copies the WAL into the database file (SQLite's default is
 * 1,000). Each call adds one index row per observation at a random place in observation_leaves,
 * so a call of 1,000 rows dirties hundreds of pages. A page that changes again before the next
 * checkpoint is copied to the file once, so a larger WAL (up to about 40 MB with 4 KB pages)
 * means fewer copies.
 */
const WAL_CHECKPOINT_PAGES = 10_000;

/** Chunks rewritten per transaction by forgetDatastreams, so that writers wait for one group only. */
const CHUNKS_PER_ERASURE = 64;

type Statement = Database.Statement<unknown[], unknown>;

interface Statements {
  insertBatch: Statement;
  insertChunk: Statement;
  upsertLeaf: Statement;
  selectLeafExists: Statement;
  selectLeafIndex: Statement;
  selectChunks: Statement;
  selectLegacy: Statement;
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
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    db.exec(SCHEMA);
    addInnerHashesColumn(db);
    this.db = db;
    this.statements = prepareStatements(db);
  }

  async saveBatch(record: SignatureBatchRecord): Promise<void> {
    const { insertBatch, selectLeafExists } = this.prepared();
    const { batch, tenant, tree } = record;
    this.database().transaction(() => {
      insertBatch.run(batch.batchId, tenant, batch.createdAtMs, JSON.stringify(batch), tree.leafHashes, tree.innerHashes());
      const missing: SignedObservation[] = record.leaves
        .filter((leaf) => selectLeafExists.get(leaf.observationId, leaf.observationId) === undefined)
        .map((leaf) => ({ ...leaf, receivedAtMs: batch.createdAtMs }));
      this.writeChunks(chunksOf(missing));
    })();
  }

  async saveObservations(observations: readonly SignedObservation[]): Promise<void> {
    if (observations.length === 0) {
      return;
    }
    const chunks = chunksOf(observations);
    this.database().transaction(() => this.writeChunks(chunks))();
  }

  async proof(observationId: string): Promise<ObservationProof | undefined> {
    return (await this.proofs([observationId]))[0];
  }

  async proofs(observationIds: readonly string[]): Promise<ObservationProof[]> {
    if (observationIds.length === 0) {
      return [];
    }
    const { selectBatch } = this.prepared();
    const leaves = await readLeaves(observationIds, this.leafSource());

    return collectProofs(observationIds, leaves, async (batchIds) =>
      batchIds.flatMap((batchId) => (selectBatch.get(batchId) as BatchRow | undefined) ?? []),
    );
  }

  /**
   * Deletes the rows of the previous layout in one statement, then rewrites the chunks holding
   * the datastreams in transactions of CHUNKS_PER_ERASURE chunks. Running it again after a
   * failure finishes the erasure. Counts the observations whose proof it removed.
   */
  async forgetDatastreams(tenant: string, datastreamIds: readonly string[]): Promise<number> {
    const db = this.database();
    const datastreamsJson = JSON.stringify(datastreamIds);
    let forgotten = db
      .prepare(
        `DELETE FROM observation_signatures WHERE tenant = ?
         AND json_extract(observation_json, '$.datastreamId') IN (SELECT value FROM json_each(?))`,
      )
      .run(tenant, datastreamsJson).changes;

    const chunkIds = db
      .prepare(
        `SELECT chunk_id FROM signed_chunks WHERE tenant = ? AND EXISTS (
           SELECT 1 FROM json_each(datastream_ids) WHERE value IN (SELECT value FROM json_each(?)))`,
      )
      .pluck()
      .all(tenant, datastreamsJson) as number[];
    const erase = db.transaction((group: number[]) => group.reduce((sum, chunkId) => sum + this.eraseFromChunk(chunkId, new Set(datastreamIds)), 0));
    for (let start = 0; start < chunkIds.length; start += CHUNKS_PER_ERASURE) {
      forgotten += erase(chunkIds.slice(start, start + CHUNKS_PER_ERASURE));
    }

    return forgotten;
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

  /** Writes each chunk and points its observation ids at it, inside the caller's transaction. */
  private writeChunks(chunks: readonly SignedChunk[]): void {
    const { insertChunk, upsertLeaf } = this.prepared();
    for (const chunk of chunks) {
      const { lastInsertRowid } = insertChunk.run(chunk.tenant, chunk.batchId, chunk.createdAtMs, JSON.stringify(chunk.datastreamIds), chunk.body);
      chunk.observationIds.forEach((observationId, position) => upsertLeaf.run(observationId, lastInsertRowid, position));
    }
  }

  /** Removes the entries of `datastreamIds` from one chunk and the index rows still pointing at them. */
  private eraseFromChunk(chunkId: number, datastreamIds: ReadonlySet<string>): number {
    const db = this.database();
    const body = db.prepare('SELECT body FROM signed_chunks WHERE chunk_id = ?').pluck().get(chunkId) as string | undefined;
    if (body === undefined) {
      return 0;
    }
    const result = new ChunkReader(body).withoutDatastreams(datastreamIds);
    const deleteLeaf = db.prepare('DELETE FROM observation_leaves WHERE observation_id = ? AND chunk_id = ? AND position = ?');
    const forgotten = result.removed.reduce((sum, { observationId, position }) => sum + deleteLeaf.run(observationId, chunkId, position).changes, 0);
    if (result.body === undefined) {
      db.prepare('DELETE FROM signed_chunks WHERE chunk_id = ?').run(chunkId);
    } else {
      db.prepare('UPDATE signed_chunks SET body = ?, datastream_ids = ? WHERE chunk_id = ?').run(result.body, JSON.stringify(result.datastreamIds), chunkId);
    }

    return forgotten;
  }

  private leafSource(): LeafSource {
    const { selectLeafIndex, selectChunks, selectLegacy } = this.prepared();

    return {
      readIndex: async (ids) => selectLeafIndex.all(JSON.stringify(ids)) as LeafIndexRow[],
      readChunks: async (chunkIds) => selectChunks.all(JSON.stringify(chunkIds)) as ChunkRow[],
      readLegacy: async (ids) => selectLegacy.all(JSON.stringify(ids)) as LegacyObservationRow[],
    };
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
    insertChunk: db.prepare('INSERT INTO signed_chunks (tenant, batch_id, created_at_ms, datastream_ids, body) VALUES (?, ?, ?, ?, ?)'),
    // One statement per row measured cheaper than one INSERT … SELECT over json_each per chunk.
    upsertLeaf: db.prepare(`
      INSERT INTO observation_leaves (observation_id, chunk_id, position) VALUES (?, ?, ?)
      ON CONFLICT (observation_id) DO UPDATE SET chunk_id = excluded.chunk_id, position = excluded.position`),
    selectLeafExists: db.prepare(`
      SELECT 1 FROM observation_leaves WHERE observation_id = ?
      UNION ALL SELECT 1 FROM observation_signatures WHERE observation_id = ? LIMIT 1`),
    selectLeafIndex: db.prepare(
      'SELECT observation_id, chunk_id, position FROM observation_leaves WHERE observation_id IN (SELECT value FROM json_each(?))',
    ),
    selectChunks: db.prepare('SELECT chunk_id, batch_id, body FROM signed_chunks WHERE chunk_id IN (SELECT value FROM json_each(?))'),
    selectLegacy: db.prepare(
      `SELECT observation_id, batch_id, leaf_index, observation_json FROM observation_signatures
       WHERE observation_id IN (SELECT value FROM json_each(?))`,
    ),
    selectBatch: db.prepare('SELECT batch_id, batch_json, leaf_hashes, inner_hashes FROM signature_batches WHERE batch_id = ?'),
  };
}
