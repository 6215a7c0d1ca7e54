import { Pool } from 'pg';
import type { SignatureBatchRecord, SignedObservation } from './signature-batch.event';
import {
  type BatchRow,
  type ObservationRow,
  collectProofs,
  lastPerObservation,
  proofOf,
  treeOf,
} from './signature-store.rows';
import { type ObservationProof, SignatureStore } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

const OBSERVATION_COLUMNS = 'observation_id, batch_id, leaf_index, observation_json';
const BATCH_COLUMNS = 'batch_id, batch_json, leaf_hashes, inner_hashes';

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
      // created_at_ms is the batch's creation time for rows of version 1 events and the
      // observation's receive time for rows stored from observation events.
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
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${s}.signature_batches (batch_id, tenant, created_at_ms, batch_json, leaf_hashes, inner_hashes)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [batch.batchId, tenant, batch.createdAtMs, JSON.stringify(batch), tree.leafHashes, tree.innerHashes()],
      );
      if (leaves.length > 0) {
        await client.query(
          `INSERT INTO ${s}.observation_signatures (observation_id, tenant, batch_id, leaf_index, created_at_ms, observation_json)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])
           ON CONFLICT (observation_id) DO NOTHING`,
          [
            leaves.map((leaf) => leaf.observationId),
            leaves.map(() => tenant),
            leaves.map((leaf) => leaf.batchId),
            leaves.map((leaf) => leaf.leafIndex),
            leaves.map(() => batch.createdAtMs),
            leaves.map((leaf) => JSON.stringify(leaf.observation)),
          ],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async saveObservations(observations: readonly SignedObservation[]): Promise<void> {
    // PostgreSQL rejects an upsert that touches one row twice in a statement.
    const rows = lastPerObservation(observations);
    if (rows.length === 0) {
      return;
    }
    const s = `"${this.schema}"`;
    await this.pool.query(
      `INSERT INTO ${s}.observation_signatures (observation_id, tenant, batch_id, leaf_index, created_at_ms, observation_json)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])
       ON CONFLICT (observation_id) DO UPDATE SET
         batch_id = excluded.batch_id, leaf_index = excluded.leaf_index,
         created_at_ms = excluded.created_at_ms, observation_json = excluded.observation_json`,
      [
        rows.map((row) => row.observationId),
        rows.map((row) => row.observation.tenant),
        rows.map((row) => row.batchId),
        rows.map((row) => row.leafIndex),
        rows.map((row) => row.receivedAtMs),
        rows.map((row) => JSON.stringify(row.observation)),
      ],
    );
  }

  async proof(observationId: string): Promise<ObservationProof | undefined> {
    const s = `"${this.schema}"`;
    const result = await this.pool.query(
      `SELECT o.observation_id, o.batch_id, o.leaf_index, o.observation_json, b.batch_json, b.leaf_hashes, b.inner_hashes
       FROM ${s}.observation_signatures o JOIN ${s}.signature_batches b ON b.batch_id = o.batch_id
       WHERE o.observation_id = $1`,
      [observationId],
    );
    const row = result.rows[0] as (ObservationRow & BatchRow) | undefined;

    return row === undefined ? undefined : proofOf(row, JSON.parse(row.batch_json) as SignedBatch, treeOf(row));
  }

  async proofs(observationIds: readonly string[]): Promise<ObservationProof[]> {
    const s = `"${this.schema}"`;
    const result = await this.pool.query(
      `SELECT ${OBSERVATION_COLUMNS} FROM ${s}.observation_signatures WHERE observation_id = ANY($1::text[])`,
      [[...observationIds]],
    );

    return collectProofs(observationIds, result.rows as ObservationRow[], async (batchIds) => {
      const batches = await this.pool.query(`SELECT ${BATCH_COLUMNS} FROM ${s}.signature_batches WHERE batch_id = ANY($1::text[])`, [batchIds]);

      return batches.rows as BatchRow[];
    });
  }

  async forgetDatastreams(tenant: string, datastreamIds: readonly string[]): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM "${this.schema}".observation_signatures
       WHERE tenant = $1 AND (observation_json::json ->> 'datastreamId') = ANY($2::text[])`,
      [tenant, [...datastreamIds]],
    );

    return result.rowCount ?? 0;
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
}
