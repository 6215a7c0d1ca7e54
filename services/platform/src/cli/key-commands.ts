import { resolve } from 'node:path';
import { BuiltinIssuer } from '@stadtdaten/auth';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { TenantKeysSigningKeyStore, verifyExportDirectory } from '@stadtdaten/integrity';
import { createLogger } from '@stadtdaten/observability';
import { openTenantKeys } from '@stadtdaten/runtime';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { auditCliAction } from './cli-audit';
import { cliLanguage, message } from './messages';

/** `stadtdaten keys rotate|list` and `stadtdaten verify DIR`. */
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

async function withKeyStore<T>(dataDir: string, work: (store: TenantKeysSigningKeyStore) => Promise<T>): Promise<T> {
  const logger = createLogger({ service: 'cli', version: '0.1.0', env: 'cli', level: 'warn' });
  const keys = openTenantKeys({ service: 'cli', dataDir: resolve(dataDir), logger, adapters: {} }, new Clock());
  try {
    return await work(new TenantKeysSigningKeyStore(keys));
  } finally {
    await keys.close();
  }
}
