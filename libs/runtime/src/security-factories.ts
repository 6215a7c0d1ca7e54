import { join } from 'node:path';
import { AppError, type Clock, ErrorCode } from '@stadtdaten/contracts';
import {
  KeyEncryptionKey,
  PostgresTenantKeyRepository,
  SqliteTenantKeyRepository,
  TenantKeys,
} from '@stadtdaten/keys';
import { PostgresSignatureStore, type SignatureStore, SqliteSignatureStore } from '@stadtdaten/integrity';
import { type AuditLog, PostgresAuditLog, SqliteAuditLog } from '@stadtdaten/audit';
import type { AdapterContext } from './adapter-factories';

/** Files of the embedded key store under the data directory; the folder is mode 0700. */
export const KEY_FILES = {
  kek: join('keys', 'kek.key'),
  tenantKeys: join('keys', 'tenant-keys.sqlite'),
  signatures: 'signatures.sqlite',
  auditDir: 'audit',
} as const;

/** Opens the audit log: PostgreSQL schema `audit` beside the registry, or its own SQLite file. */
export function createAuditLog(context: AdapterContext, clock: Clock): AuditLog {
  const logger = context.logger.child({ component: 'audit-log' });
  if (context.adapters.STADTDATEN_REGISTRY === 'postgres') {
    return new PostgresAuditLog({ url: context.adapters.STADTDATEN_POSTGRES_URL!, schema: 'audit', logger, clock });
  }

  return new SqliteAuditLog({ directory: join(context.dataDir, KEY_FILES.auditDir), logger, clock });
}

/** Opens the store of signed batches: PostgreSQL schema `integrity` beside the registry, or its own SQLite file. */
export function createSignatureStore(context: AdapterContext): SignatureStore {
  if (context.adapters.STADTDATEN_REGISTRY === 'postgres') {
    return new PostgresSignatureStore({ url: context.adapters.STADTDATEN_POSTGRES_URL!, schema: 'integrity' });
  }

  return new SqliteSignatureStore({ path: join(context.dataDir, KEY_FILES.signatures) });
}

/**
 * Opens the tenant key store: the wrapped keys in PostgreSQL (schema `keys`) beside the
 * registry, or in their own SQLite file. The key-encryption key comes from
 * STADTDATEN_KEK_FILE; only the embedded mode creates one by itself, with a warning.
 */
export function openTenantKeys(context: AdapterContext & { kekFile?: string }, clock: Clock): TenantKeys {
  const { adapters, logger } = context;
  const log = logger.child({ component: 'tenant-keys' });
  if (adapters.STADTDATEN_REGISTRY === 'postgres') {
    if (context.kekFile === undefined) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        'STADTDATEN_KEK_FILE is not set; production mode needs the key-encryption key from a secret store (a file with 32 bytes in base64, e.g. from openssl rand -base64 32)',
      );
    }

    return new TenantKeys(
      new PostgresTenantKeyRepository({ connectionString: adapters.STADTDATEN_POSTGRES_URL!, schema: 'keys' }),
      KeyEncryptionKey.fromFile(context.kekFile),
      clock,
    );
  }
  const kekPath = context.kekFile ?? join(context.dataDir, KEY_FILES.kek);
  const { kek, created } = KeyEncryptionKey.openOrCreate(kekPath);
  if (created) {
    log.warn({ file: kekPath }, 'created a new key-encryption key; back it up apart from the data, and in production give it through STADTDATEN_KEK_FILE');
  }

  return new TenantKeys(new SqliteTenantKeyRepository(join(context.dataDir, KEY_FILES.tenantKeys)), kek, clock);
}
