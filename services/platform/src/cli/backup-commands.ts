import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AuditAction } from '@stadtdaten/audit';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { KEY_FILES } from '@stadtdaten/runtime';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type ArchiveProgress, restoreBackup, writeBackup } from './backup-archive';
import { auditCliAction } from './cli-audit';
import { message } from './messages';

/** `stadtdaten backup` and `stadtdaten restore` for the data folder of the embedded platform. */
export function registerBackupCommands(program: Command, defaultDataDir: string): void {
  program
    .command('backup')
    .description('write an encrypted, checksummed backup of the data folder (registry, time series, dead letter, signatures, audit log, wrapped keys)')
    .requiredOption('--out <file>', 'backup file to write')
    .option('--data-dir <dir>', 'data folder of the platform; it may keep running', defaultDataDir)
    .option('--passphrase-file <file>', 'file with the passphrase (else STADTDATEN_BACKUP_PASSPHRASE)')
    .action(async (options: { out: string; dataDir: string; passphraseFile?: string }) => {
      const dataDir = resolve(options.dataDir);
      const manifest = await withProgress((progress) => writeBackup(dataDir, resolve(options.out), passphrase(options.passphraseFile), progress));
      await audit(dataDir, 'BACKUP_CREATED', { files: manifest.files.length });
      process.stdout.write(`${message('backupWritten', options.out, manifest.files.length)}\n`);
      process.stderr.write(`${message('backupKekHint', join(dataDir, KEY_FILES.kek))}\n`);
    });

  program
    .command('restore <file>')
    .description('restore a backup into an empty data folder; the checksums are checked before anything is written')
    .requiredOption('--data-dir <dir>', 'empty data folder to restore into')
    .option('--passphrase-file <file>', 'file with the passphrase (else STADTDATEN_BACKUP_PASSPHRASE)')
    .option('--kek-file <file>', 'key-encryption key of the backed-up platform, copied into the data folder')
    .action(async (file: string, options: { dataDir: string; passphraseFile?: string; kekFile?: string }) => {
      const dataDir = resolve(options.dataDir);
      const manifest = await withProgress((progress) => restoreBackup(resolve(file), dataDir, passphrase(options.passphraseFile), progress));
      if (options.kekFile !== undefined) {
        const target = join(dataDir, KEY_FILES.kek);
        mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
        copyFileSync(options.kekFile, target);
      }
      await audit(dataDir, 'BACKUP_RESTORED', { files: manifest.files.length, createdAt: manifest.createdAt });
      process.stdout.write(`${message('backupRestored', dataDir, manifest.files.length)}\n`);
    });
}

function passphrase(file: string | undefined): string {
  const value = file === undefined ? process.env.STADTDATEN_BACKUP_PASSPHRASE : readFileSync(file, 'utf8').trim();
  if (value === undefined || value === '') {
    throw new AppError(ErrorCode.VALIDATION_FAILED, message('backupPassphraseMissing'));
  }

  return value;
}

async function withProgress<T>(work: (progress: ArchiveProgress) => Promise<T>): Promise<T> {
  const bar = process.stderr.isTTY ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} bytes' }) : undefined;
  let started = false;
  try {
    return await work((done, total) => {
      if (bar !== undefined && !started) {
        bar.start(total, 0);
        started = true;
      }
      bar?.update(done);
    });
  } finally {
    bar?.stop();
  }
}

function audit(dataDir: string, action: AuditAction, details: Record<string, string | number>): Promise<void> {
  return auditCliAction(dataDir, action, { resourceType: 'backup', resourceId: null }, details);
}
