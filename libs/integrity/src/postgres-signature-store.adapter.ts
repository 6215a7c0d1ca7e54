import { Pool, type PoolClient } from 'pg';
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

const BATCH_COLUMNS = 'batch_id, batch_json, leaf_hashes, inner_hashes';

/** Chunks rewritten per transaction by forgetDatastreams, so that writers wait for one group only. */
const CHUNKS_PER_ERASURE = 64;

/** Signatures in their own PostgreSQL schema (production mode). */
export class PostgresSignatureStore extends SignatureStore {
  private readonly pool: Pool;
  private readonly schema: string;

  constructor(options: { url: string; schema?: string }) {
    super();
    this.schema = options.schema ?? 'integrity';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) {
      throw new Error(`invalid schema name "${this.schema}"; use lower-case letters, digits and "_"`);
    }
    this.pool = new Pool({ connectionString: options.url, max: 4, application_name: 'stadtdaten-signatures' });
    this.pool.on('error', () => undefined);
  }

  async connect(): Promise<void> {
    const s = `"${this.schema}"`;
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`${this.schema}.migrate`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.signature_batches (
        batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at_ms BIGINT NOT NULL,
        batch_json TEXT NOT NULL, leaf_hashes BYTEA NOT NULL)`);
      // NULL for batches stored before the store kept the tree's inner levels.
      await client.query(`ALTER TABLE ${s}.signature_batches ADD COLUMN IF NOT EXISTS inner_hashes BYTEA`);
      await client.query(`CREATE INDEX IF NOT EXISTS signature_batches_tenant ON ${s}.signature_batches (tenant, created_at_ms)`);
      // The signed fields of the observations of one saveObservations call and batch (see
      // signature-store.chunks.ts), and per observation id its entry there.
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.signed_chunks (
        chunk_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant TEXT NOT NULL, batch_id TEXT NOT NULL,
        created_at_ms BIGINT NOT NULL, datastream_ids TEXT[] NOT NULL, body TEXT NOT NULL)`);
      await client.query(`CREATE INDEX IF NOT EXISTS signed_chunks_tenant ON ${s}.signed_chunks (tenant)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.observation_leaves (
        observation_id TEXT PRIMARY KEY, chunk_id BIGINT NOT NULL, position INTEGER NOT NULL)`);
      // The previous layout, one JSON row per observation: read and erased, no longer written.
      // created_at_ms is the batch's creation time for rows of version 1 events and the
      // observation's receive time for the other rows.
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.observation_signatures (
        observation_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, batch_id TEXT NOT NULL,
        leaf_index INTEGER NOT NULL, created_at_ms BIGINT NOT NULL, observation_json TEXT NOT NULL)`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`${this.schema}.migrate`]).catch(() => undefined);
      client.release();
    }
  }

  async saveBatch(record: SignatureBatchRecord): Promise<void> {
    const s = `"${this.schema}"`;
    const { batch, tenant, tree, leaves } = record;
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO ${s}.signature_batches (batch_id, tenant, created_at_ms, batch_json, leaf_hashes, inner_hashes)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [batch.batchId, tenant, batch.createdAtMs, JSON.stringify(batch), tree.leafHashes, tree.innerHashes()],
      );
      if (leaves.length === 0) {
        return;
      }
      const ids = leaves.map((leaf) => leaf.observationId);
      const existing = await client.query(
        `SELECT observation_id FROM ${s}.observation_leaves WHERE observation_id = ANY($1::text[])
         UNION SELECT observation_id FROM ${s}.observation_signatures WHERE observation_id = ANY($1::text[])`,
        [ids],
      );
      const stored = new Set(existing.rows.map((row) => row.observation_id as string));
      const missing: SignedObservation[] = leaves
        .filter((leaf) => !stored.has(leaf.observationId))
        .map((leaf) => ({ ...leaf, receivedAtMs: batch.createdAtMs }));
      await this.writeChunks(client, chunksOf(missing));
    });
  }

  async saveObservations(observations: readonly SignedObservation[]): Promise<void> {
    if (observations.length === 0) {
      return;
    }
    await this.writeChunks(this.pool, chunksOf(observations));
  }

  async proof(observationId: string): Promise<ObservationProof | undefined> {
    return (await this.proofs([observationId]))[0];
  }

  async proofs(observationIds: readonly string[]): Promise<ObservationProof[]> {
    if (observationIds.length === 0) {
      return [];
    }
    const s = `"${this.schema}"`;
    const leaves = await readLeaves(observationIds, this.leafSource());

    return collectProofs(observationIds, leaves, async (batchIds) => {
      const batches = await this.pool.query(`SELECT ${BATCH_COLUMNS} FROM ${s}.signature_batches WHERE batch_id = ANY($1::text[])`, [batchIds]);

      return batches.rows as BatchRow[];
    });
  }

  /**
   * Deletes the rows of the previous layout in one statement, then rewrites the chunks holding
   * the datastreams in transactions of CHUNKS_PER_ERASURE chunks. Running it again after a
   * failure finishes the erasure. Counts the observations whose proof it removed.
   */
  async forgetDatastreams(tenant: string, datastreamIds: readonly string[]): Promise<number> {
    const s = `"${this.schema}"`;
    const legacy = await this.pool.query(
      `DELETE FROM ${s}.observation_signatures
       WHERE tenant = $1 AND (observation_json::json ->> 'datastreamId') = ANY($2::text[])`,
      [tenant, [...datastreamIds]],
    );
    let forgotten = legacy.rowCount ?? 0;

    const chunks = await this.pool.query(`SELECT chunk_id FROM ${s}.signed_chunks WHERE tenant = $1 AND datastream_ids && $2::text[]`, [
      tenant,
      [...datastreamIds],
    ]);
    const chunkIds = chunks.rows.map((row) => Number(row.chunk_id));
    const erased = new Set(datastreamIds);
    for (let start = 0; start < chunkIds.length; start += CHUNKS_PER_ERASURE) {
      forgotten += await this.transaction(async (client) => {
        let count = 0;
        for (const chunkId of chunkIds.slice(start, start + CHUNKS_PER_ERASURE)) {
          count += await this.eraseFromChunk(client, chunkId, erased);
        }

        return count;
      });
    }

    return forgotten;
  }

  async batches(tenant: string, options: { afterCreatedAtMs?: number; limit?: number } = {}): Promise<SignedBatch[]> {
    const result = await this.pool.query(
      `SELECT batch_json FROM "${this.schema}".signature_batches WHERE tenant = $1 AND created_at_ms > $2 ORDER BY created_at_ms, batch_id LIMIT $3`,
      [tenant, options.afterCreatedAtMs ?? -1, options.limit ?? 1000],
    );

    return result.rows.map((row) => JSON.parse(row.batch_json as string) as SignedBatch);
  }

  async isHealthy(): Promise<boolean> {
    return this.pool.query('SELECT 1').then(() => true, () => false);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Writes the chunks and points their observation ids at them in one statement. The chunks of
   * one call differ in tenant or batch id, which joins each index row to its chunk.
   */
  private async writeChunks(client: Pool | PoolClient, chunks: readonly SignedChunk[]): Promise<void> {
    if (chunks.length === 0) {
      return;
    }
    const s = `"${this.schema}"`;
    const leaves = chunks.flatMap((chunk) => chunk.observationIds.map((observationId, position) => ({ chunk, observationId, position })));
    await client.query(
      `WITH chunk AS (
         INSERT INTO ${s}.signed_chunks (tenant, batch_id, created_at_ms, datastream_ids, body)
         SELECT c.tenant, c.batch_id, c.created_at_ms, ARRAY(SELECT json_array_elements_text(c.datastream_ids::json)), c.body
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS c(tenant, batch_id, created_at_ms, datastream_ids, body)
         RETURNING chunk_id, tenant, batch_id)
       INSERT INTO ${s}.observation_leaves (observation_id, chunk_id, position)
       SELECT l.observation_id, chunk.chunk_id, l.position
       FROM unnest($6::text[], $7::text[], $8::text[], $9::int[]) AS l(observation_id, tenant, batch_id, position)
       JOIN chunk ON chunk.tenant = l.tenant AND chunk.batch_id = l.batch_id
       ON CONFLICT (observation_id) DO UPDATE SET chunk_id = excluded.chunk_id, position = excluded.position`,
      [
        chunks.map((chunk) => chunk.tenant),
        chunks.map((chunk) => chunk.batchId),
        chunks.map((chunk) => chunk.createdAtMs),
        chunks.map((chunk) => JSON.stringify(chunk.datastreamIds)),
        chunks.map((chunk) => chunk.body),
        leaves.map((leaf) => leaf.observationId),
        leaves.map((leaf) => leaf.chunk.tenant),
        leaves.map((leaf) => leaf.chunk.batchId),
        leaves.map((leaf) => leaf.position),
      ],
    );
  }

  /** Removes the entries of `datastreamIds` from one chunk and the index rows still pointing at them. */
  private async eraseFromChunk(client: PoolClient, chunkId: number, datastreamIds: ReadonlySet<string>): Promise<number> {
    const s = `"${this.schema}"`;
    const selected = await client.query(`SELECT body FROM ${s}.signed_chunks WHERE chunk_id = $1 FOR UPDATE`, [chunkId]);
    if (selected.rows.length === 0) {
      return 0;
    }
    const result = new ChunkReader(selected.rows[0].body as string).withoutDatastreams(datastreamIds);
    const deleted = await client.query(
      `DELETE FROM ${s}.observation_leaves l USING unnest($1::text[], $2::int[]) AS r(observation_id, position)
       WHERE l.observation_id = r.observation_id AND l.position = r.position AND l.chunk_id = $3`,
      [result.removed.map((entry) => entry.observationId), result.removed.map((entry) => entry.position), chunkId],
    );
    if (result.body === undefined) {
      await client.query(`DELETE FROM ${s}.signed_chunks WHERE chunk_id = $1`, [chunkId]);
    } else {
      await client.query(`UPDATE ${s}.signed_chunks SET body = $1, datastream_ids = $2::text[] WHERE chunk_id = $3`, [
        result.body,
        result.datastreamIds,
        chunkId,
      ]);
    }

    return deleted.rowCount ?? 0;
  }

  private leafSource(): LeafSource {
    const s = `"${this.schema}"`;
    const rows = async <T>(sql: string, values: unknown[]): Promise<T[]> => (await this.pool.query(sql, values)).rows as T[];

    return {
      readIndex: (ids) =>
        rows<LeafIndexRow>(`SELECT observation_id, chunk_id, position FROM ${s}.observation_leaves WHERE observation_id = ANY($1::text[])`, [[...ids]]),
      readChunks: (chunkIds) => rows<ChunkRow>(`SELECT chunk_id, batch_id, body FROM ${s}.signed_chunks WHERE chunk_id = ANY($1::bigint[])`, [chunkIds]),
      readLegacy: (ids) =>
        rows<LegacyObservationRow>(
          `SELECT observation_id, batch_id, leaf_index, observation_json FROM ${s}.observation_signatures WHERE observation_id = ANY($1::text[])`,
          [ids],
        ),
    };
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');

      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
