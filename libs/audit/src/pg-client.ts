/**
 * Types of the node-postgres (`pg` 8.x) pool API that the PostgreSQL audit log calls.
 *
 * TODO: import the types from `pg` once @types/pg is a dev dependency.
 */
export interface PgResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

export interface PgConnection {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgResult<Row>>;
}

export interface PgPooledConnection extends PgConnection {
  /** Returns the connection to the pool; passing an error closes it instead. */
  release(error?: Error | boolean): void;
}

export interface PgPool extends PgConnection {
  connect(): Promise<PgPooledConnection>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

export interface PgPoolSettings {
  connectionString: string;
  max: number;
  connectionTimeoutMillis: number;
  application_name: string;
}

export function openPgPool(settings: PgPoolSettings): PgPool {
  const pg = require('pg') as { Pool: new (settings: PgPoolSettings) => PgPool };

  return new pg.Pool(settings);
}
