import { Pool } from 'pg';
import { type ProofRows, distinctLeaves, leafHashesBlob, proofFromRows } from './signature-store.rows';
import { type ObservationProof, type SignatureBatchEvent, SignatureStore } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

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
      await client.query(`CREATE INDEX IF NOT EXISTS signature_batches_tenant ON ${s}.signature_batches (tenant, created_at_ms)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.observation_signatures (
        observation_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, batch_id TEXT NOT NULL,
        leaf_index INTEGER NOT NULL, created_at_ms BIGINT NOT NULL, observation_json TEXT NOT NULL)`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`${this.schema}.migrate`]).catch(() => undefined);
      client.release();
    }
  }

  async save(event: SignatureBatchEvent): Promise<void> {
    const s = `"${this.schema}"`;
    const { batch, tenant } = event;
    const leaves = distinctLeaves(event);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${s}.signature_batches (batch_id, tenant, created_at_ms, batch_json, leaf_hashes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [batch.batchId, tenant, batch.createdAtMs, JSON.stringify(batch), leafHashesBlob(event)],
      );
      await client.query(
        `INSERT INTO ${s}.observation_signatures (observation_id, tenant, batch_id, leaf_index, created_at_ms, observation_json)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])
         ON CONFLICT (observation_id) DO UPDATE SET
           batch_id = excluded.batch_id, leaf_index = excluded.leaf_index,
           created_at_ms = excluded.created_at_ms, observation_json = excluded.observation_json
         WHERE excluded.created_at_ms >= ${s}.observation_signatures.created_at_ms`,
        [
          leaves.map((leaf) => leaf.observationId),
          leaves.map(() => tenant),
          leaves.map(() => batch.batchId),
          leaves.map((leaf) => leaf.index),
          leaves.map(() => batch.createdAtMs),
          leaves.map((leaf) => leaf.json),
        ],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async proof(observationId: string): Promise<ObservationProof | undefined> {
    const s = `"${this.schema}"`;
    const result = await this.pool.query(
      `SELECT o.observation_id, o.leaf_index, o.observation_json, b.batch_json, b.leaf_hashes
       FROM ${s}.observation_signatures o JOIN ${s}.signature_batches b ON b.batch_id = o.batch_id
       WHERE o.observation_id = $1`,
      [observationId],
    );
    const row = result.rows[0] as ProofRows | undefined;

    return row === undefined ? undefined : proofFromRows(row);
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
