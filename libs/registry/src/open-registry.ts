import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { REGISTRY_ENTITIES } from './entities/registry-entities';
import { CreateRegistry1765000000000 } from './migrations/sqlite/1765000000000-create-registry';
import { RegistryService } from './registry.service';

/** Migrations of the SQLite schema, oldest first. */
export const SQLITE_MIGRATIONS = [CreateRegistry1765000000000];

/** Table in which TypeORM records the registry migrations that ran. */
export const MIGRATIONS_TABLE = 'registry_migrations';

export interface SqliteRegistryOptions {
  type: 'sqlite';
  /** Database file; its folder is created when missing. `:memory:` keeps the registry in memory. */
  path: string;
}

// TODO: add PostgreSQL options, with a twin of the SQLite migration under migrations/postgres.
export type RegistryOptions = SqliteRegistryOptions;

/**
 * Opens the registry database and runs the migrations that have not run yet. Throws
 * AppError UNAVAILABLE when the database cannot be opened or migrated.
 */
export async function openRegistry(options: RegistryOptions): Promise<RegistryService> {
  if (options.path !== ':memory:') {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: options.path,
    entities: REGISTRY_ENTITIES,
    migrations: SQLITE_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: true,
    synchronize: false,
    enableWAL: true,
  });

  try {
    await dataSource.initialize();
  } catch (error) {
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      ErrorCode.UNAVAILABLE,
      `registry database ${options.path} could not be opened or migrated: ${reason}; check the path and its permissions`,
      { cause: error, details: { path: options.path } },
    );
  }

  return new RegistryService(dataSource);
}
