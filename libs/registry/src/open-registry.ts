import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { REGISTRY_ENTITIES } from './entities/registry-entities';
import { CreateRegistryPostgres1765000000000 } from './migrations/postgres/1765000000000-create-registry';
import { CreateRegistry1765000000000 } from './migrations/sqlite/1765000000000-create-registry';
import { AddOwnerPseudonymPostgres1766000000000 } from './migrations/postgres/1766000000000-add-owner-pseudonym';
import { AddOwnerPseudonym1766000000000 } from './migrations/sqlite/1766000000000-add-owner-pseudonym';
import { AddCkanPublicationPostgres1767000000000 } from './migrations/postgres/1767000000000-add-ckan-publication';
import { AddCkanPublication1767000000000 } from './migrations/sqlite/1767000000000-add-ckan-publication';
import { RegistryService } from './registry.service';

/** Migrations of the SQLite schema, oldest first. */
export const SQLITE_MIGRATIONS = [CreateRegistry1765000000000, AddOwnerPseudonym1766000000000, AddCkanPublication1767000000000];

/** Migrations of the PostgreSQL schema, oldest first; each has the name of its SQLite twin. */
export const POSTGRES_MIGRATIONS = [
  CreateRegistryPostgres1765000000000,
  AddOwnerPseudonymPostgres1766000000000,
  AddCkanPublicationPostgres1767000000000,
];

/** Table in which TypeORM records the registry migrations that ran. */
export const MIGRATIONS_TABLE = 'registry_migrations';

/** Turns a person-related id into the tenant's pseudonym of it (see Pseudonymizer in libs/keys). */
export type PseudonymizeFn = (tenant: string, clearId: string) => Promise<string>;

export interface SqliteRegistryOptions {
  type: 'sqlite';
  pseudonymize?: PseudonymizeFn;
  /** Database file; its folder is created when missing. `:memory:` keeps the registry in memory. */
  path: string;
}

export interface PostgresRegistryOptions {
  type: 'postgres';
  pseudonymize?: PseudonymizeFn;
  /** Connection URL, e.g. `postgres://user:password@127.0.0.1:5432/stadtdaten`. */
  url: string;
  /** Schema of the registry tables, created when missing; default `public`. */
  schema?: string;
}

export type RegistryOptions = SqliteRegistryOptions | PostgresRegistryOptions;

/** Unquoted PostgreSQL identifiers: the schema goes into search_path and DDL without quoting rules to get wrong. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the registry database and runs the migrations that have not run yet, all in one
 * transaction; the schema is never synchronised from the entities. Throws AppError
 * INVALID_CONFIG for an invalid schema name and UNAVAILABLE when the database cannot be opened
 * or migrated.
 */
export async function openRegistry(options: RegistryOptions): Promise<RegistryService> {
  const dataSource = options.type === 'postgres' ? postgresDataSource(options) : sqliteDataSource(options);

  try {
    await dataSource.initialize();
    if (options.type === 'postgres') {
      await withMigrationLock(dataSource, async () => {
        await ensureSchema(dataSource, options.schema ?? 'public');
        await dataSource.runMigrations({ transaction: 'all' });
      });
    } else {
      await dataSource.runMigrations({ transaction: 'all' });
    }
  } catch (error) {
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    throw openError(options, error);
  }

  return new RegistryService(dataSource, options.pseudonymize);
}

/** Key of the PostgreSQL advisory lock that serialises migrations of processes starting at once. */
const MIGRATION_LOCK_KEY = 7_310_422_001;

/** Runs `work` while holding a session-level advisory lock, so only one process migrates at a time. */
async function withMigrationLock(dataSource: DataSource, work: () => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await work();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

function sqliteDataSource(options: SqliteRegistryOptions): DataSource {
  if (options.path !== ':memory:') {
    mkdirSync(dirname(options.path), { recursive: true });
  }

  return new DataSource({
    type: 'better-sqlite3',
    database: options.path,
    entities: REGISTRY_ENTITIES,
    migrations: SQLITE_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    enableWAL: true,
  });
}

function postgresDataSource(options: PostgresRegistryOptions): DataSource {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `invalid registry schema ${JSON.stringify(schema)}; use 1 to 63 lower-case letters, digits and _, not starting with a digit`,
      { details: { schema } },
    );
  }

  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema,
    entities: REGISTRY_ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    // The migrations name tables without a schema, so every pooled connection starts in this one.
    extra: { options: `-c search_path=${schema}` },
  });
}

/** Creates the schema unless it exists; the existence check comes first, so no CREATE privilege is needed then. */
async function ensureSchema(dataSource: DataSource, schema: string): Promise<void> {
  const rows = (await dataSource.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
    schema,
  ])) as unknown[];
  if (rows.length === 0) {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  }
}

function openError(options: RegistryOptions, error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  if (options.type === 'sqlite') {
    return new AppError(
      ErrorCode.UNAVAILABLE,
      `registry database ${options.path} could not be opened or migrated: ${reason}; check the path and its permissions`,
      { cause: error, details: { path: options.path } },
    );
  }

  const url = redactUrl(options.url);
  return new AppError(
    ErrorCode.UNAVAILABLE,
    `registry database ${url} could not be opened or migrated: ${reason}; check that PostgreSQL is running and the URL, credentials and schema privileges`,
    { cause: error, retriable: true, details: { url, schema: options.schema ?? 'public' } },
  );
}

/** Replaces the password of a connection URL, so it can go into messages and logs. */
function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';

    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
