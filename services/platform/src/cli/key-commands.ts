import { chmodSync, copyFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { AuditAction, auditSystem } from '@stadtdaten/audit';
import { BuiltinIssuer } from '@stadtdaten/auth';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { TenantKeysSigningKeyStore, verifyExportDirectory } from '@stadtdaten/integrity';
import { createLogger } from '@stadtdaten/observability';
import { KEY_FILES, createAuditLog, openTenantKeys } from '@stadtdaten/runtime';
import { KeyEncryptionKey } from '@stadtdaten/keys';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { auditCliAction } from './cli-audit';
import { cliLanguage, message } from './messages';

/** `stadtdaten keys rotate|list|rewrap` and `stadtdaten verify DIR`. */
export function registerKeyCommands(program: Command, defaultDataDir: string): void {
  const keys = program.command('keys').description('signing keys of the platform');
  keys
    .command('rotate')
    .description('make a new signing key active; earlier keys stay published, so older proofs still verify')
    .option('--url <url>', 'URL of a running platform; without one the data folder is changed directly', 'http://127.0.0.1:8080')
    .option('--data-dir <dir>', 'data folder of the platform', defaultDataDir)
    .action(async (options: { url: string; dataDir: string }) => {
      const keyId = await rotate(options);
      process.stdout.write(`${message('keyRotated', keyId)}\n`);
    });
  keys
    .command('list')
    .description('print the public signing keys (JWKS) of the data folder')
    .option('--data-dir <dir>', 'data folder of the platform', defaultDataDir)
    .action(async (options: { dataDir: string }) => {
      await withKeyStore(options.dataDir, async (store) => {
        process.stdout.write(`${JSON.stringify(await store.jwks(), null, 2)}\n`);
      });
    });

  keys
    .command('rewrap')
    .description(
      'wrap every tenant key under a new key-encryption key (KEK); run it while the platform is stopped, then start it with the new KEK',
    )
    .requiredOption('--new-kek-file <file>', 'the new key-encryption key (32 bytes in base64); created with a random key where the file does not exist')
    .option('--kek-file <file>', 'the current key-encryption key (default: keys/kek.key in the data folder)')
    .option('--postgres-url <url>', 'PostgreSQL of a production platform (keys in schema "keys"); without it the data folder is changed')
    .option('--url <url>', 'address the embedded platform would answer at; the command refuses while it answers', 'http://127.0.0.1:8080')
    .option('--data-dir <dir>', 'data folder of the platform', defaultDataDir)
    .action(async (options: RewrapOptions) => {
      await rewrap(options);
    });

  program
    .command('verify <dir>')
    .description('check every signature of an export folder offline, against the keys in the folder')
    .action(async (dir: string) => {
      const bar = process.stderr.isTTY ? new SingleBar({ format: '{value} observations checked' }) : undefined;
      bar?.start(0, 0);
      const report = await verifyExportDirectory(resolve(dir), {
        onProgress: (progress) => bar?.update(progress.linesRead),
      }).finally(() => bar?.stop());
      for (const failure of report.failures) {
        process.stderr.write(`  ${failure.file}:${failure.line}: ${failure.reason} ${failure.detail}\n`);
      }
      process.stdout.write(`${message('verifySummary', report.verified, report.failed, report.batches)}\n`);
      process.exitCode = report.failed > 0 || report.failedBatches > 0 ? 1 : 0;
    });
}

async function rotate(options: { url: string; dataDir: string }): Promise<string> {
  const dataDir = resolve(options.dataDir);
  const issuer = await BuiltinIssuer.open(dataDir);
  const token = await issuer.issue({ tenant: 'platform', roles: ['platform-admin'], subject: 'cli' });
  const response = await fetch(`${options.url}/api/v1/signing-keys/rotations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'accept-language': cliLanguage() },
  }).catch(() => undefined);
  if (response === undefined) {
    process.stderr.write(`${message('keysDirect', options.url, dataDir)}\n`);
    const keyId = await withKeyStore(dataDir, async (store) => (await store.rotate()).keyId);
    await auditCliAction(dataDir, 'KEY_ROTATED', { resourceType: 'signing-key', resourceId: keyId }, {});

    return keyId;
  }
  const body = (await response.json()) as { activeKeyId?: string; detail?: string };
  if (!response.ok || body.activeKeyId === undefined) {
    throw new AppError(ErrorCode.UNAVAILABLE, body.detail ?? `the platform answered ${response.status}`);
  }

  return body.activeKeyId;
}

interface RewrapOptions {
  newKekFile: string;
  kekFile?: string;
  postgresUrl?: string;
  url: string;
  dataDir: string;
}

async function rewrap(options: RewrapOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  if (options.postgresUrl === undefined && (await isPlatformRunning(options.url))) {
    throw new AppError(ErrorCode.CONFLICT, message('rewrapPlatformRunning', options.url));
  }
  const newKekFile = resolve(options.newKekFile);
  if (!existsSync(newKekFile)) {
    writeFileSync(newKekFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    process.stderr.write(`${message('kekCreated', newKekFile)}\n`);
  }
  const next = KeyEncryptionKey.fromFile(newKekFile);
  const defaultKekFile = join(dataDir, KEY_FILES.kek);
  const kekFile = resolve(options.kekFile ?? defaultKekFile);
  if (options.postgresUrl !== undefined && options.kekFile === undefined) {
    throw new AppError(ErrorCode.INVALID_CONFIG, message('rewrapNeedsKek'));
  }
  if (!existsSync(kekFile)) {
    throw new AppError(ErrorCode.NOT_FOUND, message('rewrapNoKek', kekFile));
  }
  const adapters =
    options.postgresUrl === undefined
      ? {}
      : { STADTDATEN_REGISTRY: 'postgres' as const, STADTDATEN_POSTGRES_URL: options.postgresUrl };
  const context = { service: 'cli', dataDir, logger: createLogger({ service: 'cli', version: '0.1.0', env: 'cli', level: 'warn' }), adapters };
  const keys = openTenantKeys({ ...context, kekFile }, new Clock());
  let count: number;
  try {
    count = await keys.rewrap(next);
  } finally {
    await keys.close();
  }
  const audit = createAuditLog(context, new Clock());
  await audit.connect();
  try {
    await audit.append({
      action: AuditAction.KEY_ROTATED,
      actor: auditSystem('cli'),
      target: { tenant: null, resourceType: 'key-encryption-key', resourceId: null },
      outcome: 'success',
      details: { keys: count },
    });
  } finally {
    await audit.close();
  }
  if (options.postgresUrl === undefined && options.kekFile === undefined) {
    // The embedded platform reads keys/kek.key, so the new key takes its place and the old one is kept beside it.
    const retired = `${defaultKekFile}.retired-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(defaultKekFile, retired);
    copyFileSync(newKekFile, defaultKekFile);
    chmodSync(defaultKekFile, 0o600);
    process.stdout.write(`${message('rewrappedEmbedded', count, retired)}\n`);

    return;
  }
  process.stdout.write(`${message('rewrappedExternal', count, newKekFile, kekFile)}\n`);
}

/** Checks whether any HTTP server responds at the address within two seconds, whatever its status. */
async function isPlatformRunning(url: string): Promise<boolean> {
  const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);

  return response !== undefined;
}

async function withKeyStore<T>(dataDir: string, work: (store: TenantKeysSigningKeyStore) => Promise<T>): Promise<T> {
  const logger = createLogger({ service: 'cli', version: '0.1.0', env: 'cli', level: 'warn' });
  const keys = openTenantKeys({ service: 'cli', dataDir: resolve(dataDir), logger, adapters: {} }, new Clock());
  try {
    return await work(new TenantKeysSigningKeyStore(keys));
  } finally {
    await keys.close();
  }
}
