/**
 * The part of node-postgres (`pg` 8.x) that the PostgreSQL rejection store uses, typed here
 * because `@types/pg` is not installed.
 *
 * TODO: replace with `import { Pool } from 'pg'` once @types/pg is a dev dependency.
 */
export interface PgQueryResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

export interface PgQueryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgQueryResult<Row>>;
}

export interface PgPoolClient extends PgQueryable {
  release(error?: Error | boolean): void;
}

export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

export interface PgPoolConfig {
  connectionString: string;
  max?: number;
  connectionTimeoutMillis?: number;
  application_name?: string;
}

interface PgModule {
  Pool: new (config: PgPoolConfig) => PgPool;
}

export function createPgPool(config: PgPoolConfig): PgPool {
  const pg = require('pg') as PgModule;

  return new pg.Pool(config);
}
