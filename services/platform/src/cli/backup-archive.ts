import Database from 'better-sqlite3';
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { EMBEDDED_FILES, KEY_FILES } from '@stadtdaten/runtime';

/** First bytes of every backup file, naming the layout below. */
const MAGIC = Buffer.from('STADTDATEN-BACKUP-1\n');
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * SQLite stores of a data folder that a backup holds: registry, time series, dead letter,
 * signatures, audit log and the wrapped tenant keys. The event log is left out, because it
 * only buffers messages on their way to these stores. The key-encryption key is left out
 * on purpose: it must be kept apart from the backup, or the backup would carry its own key.
 */
export const BACKED_UP_DATABASES = [
  EMBEDDED_FILES.registry,
  EMBEDDED_FILES.timeSeries,
  EMBEDDED_FILES.personalTimeSeries,
  EMBEDDED_FILES.rejections,
  KEY_FILES.signatures,
  KEY_FILES.tenantKeys,
  join(KEY_FILES.auditDir, 'audit.sqlite'),
];
/** Plain files a backup holds: the built-in token issuer's key. */
export const BACKED_UP_FILES = [join('keys', 'issuer.jwk.json')];

export interface BackupManifest {
  format: 1;
  createdAt: string;
  files: Array<{ path: string; bytes: number; sha256: string }>;
}

export interface ArchiveProgress {
  (doneBytes: number, totalBytes: number): void;
}

/**
 * Writes an encrypted backup of the data folder to `out`. Each database is first copied with
 * SQLite's online backup, so a running platform may keep writing. The archive is
 * `MAGIC | salt | iv | AES-256-GCM(manifest and files) | tag`, with the key derived from the
 * passphrase by scrypt; the manifest lists a SHA-256 per file.
 */
export async function writeBackup(dataDir: string, out: string, passphrase: string, progress?: ArchiveProgress): Promise<BackupManifest> {
  const staging = mkdtempSync(join(dirname(out), '.stadtdaten-backup-'));
  try {
    const staged: string[] = [];
    for (const name of BACKED_UP_DATABASES) {
      const source = join(dataDir, name);
      if (!existsSync(source)) {
        continue;
      }
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      const db = new Database(source, { readonly: true, fileMustExist: true });
      try {
        await db.backup(join(staging, name));
      } finally {
        db.close();
      }
      staged.push(name);
    }
    for (const name of BACKED_UP_FILES) {
      if (existsSync(join(dataDir, name))) {
        mkdirSync(dirname(join(staging, name)), { recursive: true });
        await copyFile(join(dataDir, name), join(staging, name));
        staged.push(name);
      }
    }
    if (!staged.includes(EMBEDDED_FILES.registry)) {
      throw new AppError(ErrorCode.NOT_FOUND, `${dataDir} holds no registry (${EMBEDDED_FILES.registry}); pass the data folder of a platform with --data-dir`);
    }

    const manifest: BackupManifest = {
      format: 1,
      createdAt: new Date().toISOString(),
      files: await Promise.all(
        staged.map(async (path) => ({ path, bytes: statSync(join(staging, path)).size, sha256: await sha256File(join(staging, path)) })),
      ),
    };
    await encryptArchive(staging, manifest, out, passphrase, progress);

    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a backup into an empty data folder: decrypts into a temporary folder beside it,
 * checks the authentication tag and every checksum, and only then moves the files into place,
 * so a damaged or wrong backup changes nothing.
 */
export async function restoreBackup(archive: string, dataDir: string, passphrase: string, progress?: ArchiveProgress): Promise<BackupManifest> {
  if (existsSync(join(dataDir, EMBEDDED_FILES.registry))) {
    throw new AppError(ErrorCode.CONFLICT, `${dataDir} already holds a registry; restore into an empty data folder`);
  }
  mkdirSync(dataDir, { recursive: true });
  const staging = mkdtempSync(join(dataDir, '.restore-'));
  try {
    const manifest = await decryptArchive(archive, staging, passphrase, progress);
    for (const file of manifest.files) {
      const path = join(staging, file.path);
      if (!existsSync(path) || (await sha256File(path)) !== file.sha256) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, `backup file ${file.path} does not match its checksum; the backup is damaged`);
      }
    }
    for (const file of manifest.files) {
      mkdirSync(dirname(join(dataDir, file.path)), { recursive: true, mode: 0o700 });
      renameSync(join(staging, file.path), join(dataDir, file.path));
    }

    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function encryptArchive(staging: string, manifest: BackupManifest, out: string, passphrase: string, progress?: ArchiveProgress) {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt), iv);
  cipher.setAAD(MAGIC);
  const output = createWriteStream(out, { mode: 0o600 });
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => (output.write(chunk, (error) => (error ? reject(error) : resolve()))));
  const total = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  let done = 0;

  await write(Buffer.concat([MAGIC, salt, iv]));
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  await write(cipher.update(Buffer.concat([uint32(manifestBytes.byteLength), manifestBytes])));
  for (const file of manifest.files) {
    for await (const chunk of createReadStream(join(staging, file.path))) {
      await write(cipher.update(chunk as Buffer));
      done += (chunk as Buffer).byteLength;
      progress?.(done, total);
    }
  }
  await write(Buffer.concat([cipher.final(), cipher.getAuthTag()]));
  await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function decryptArchive(archive: string, staging: string, passphrase: string, progress?: ArchiveProgress): Promise<BackupManifest> {
  const size = statSync(archive).size;
  const handle = await open(archive, 'r');
  try {
    const head = Buffer.alloc(MAGIC.byteLength + SALT_BYTES + IV_BYTES);
    await handle.read(head, 0, head.byteLength, 0);
    if (!head.subarray(0, MAGIC.byteLength).equals(MAGIC)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `${archive} is not a stadtdaten backup`);
    }
    const salt = head.subarray(MAGIC.byteLength, MAGIC.byteLength + SALT_BYTES);
    const iv = head.subarray(MAGIC.byteLength + SALT_BYTES);
    const tag = Buffer.alloc(TAG_BYTES);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
    const key = deriveKey(passphrase, salt);
    // First pass: check the authentication tag over the whole body before reading any of it.
    await checkTag(handle, key, iv, tag, head.byteLength, size - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(MAGIC);
    decipher.setAuthTag(tag);

    const reader = new PlainReader(decipher, handle, head.byteLength, size - TAG_BYTES);
    const manifestLength = (await reader.read(4)).readUInt32BE(0);
    const manifest = JSON.parse((await reader.read(manifestLength)).toString('utf8')) as BackupManifest;
    const total = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
    let done = 0;
    for (const file of manifest.files) {
      const target = join(staging, file.path);
      if (relative(staging, target).startsWith('..')) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, `backup names the path ${file.path}, which leaves the data folder`);
      }
      mkdirSync(dirname(target), { recursive: true });
      const output = createWriteStream(target, { mode: 0o600 });
      for (let left = file.bytes; left > 0; ) {
        const chunk = await reader.read(Math.min(left, 1 << 20));
        await new Promise<void>((resolve, reject) => output.write(chunk, (error) => (error ? reject(error) : resolve())));
        left -= chunk.byteLength;
        done += chunk.byteLength;
        progress?.(done, total);
      }
      await new Promise<void>((resolve) => output.end(resolve));
    }
    try {
      decipher.final();
    } catch (error) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'the backup does not decrypt: wrong passphrase, or the file was changed or cut off', { cause: error });
    }

    return manifest;
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'the backup does not decrypt: wrong passphrase, or the file was changed or cut off', { cause: error });
    }
    throw error;
  } finally {
    await handle.close();
  }
}

async function checkTag(
  handle: Awaited<ReturnType<typeof open>>,
  key: Buffer,
  iv: Buffer,
  tag: Buffer,
  start: number,
  end: number,
): Promise<void> {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(MAGIC);
  decipher.setAuthTag(tag);
  const chunk = Buffer.alloc(1 << 20);
  for (let position = start; position < end; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.byteLength, end - position), position);
    if (bytesRead === 0) {
      break;
    }
    decipher.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  try {
    decipher.final();
  } catch (error) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'the backup does not decrypt: wrong passphrase, or the file was changed or cut off', { cause: error });
  }
}

/** Reads decrypted bytes of the archive body in exact lengths. */
class PlainReader {
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly decipher: ReturnType<typeof createDecipheriv>,
    private readonly handle: Awaited<ReturnType<typeof open>>,
    private position: number,
    private readonly end: number,
  ) {}

  async read(length: number): Promise<Buffer> {
    while (this.buffer.byteLength < length) {
      if (this.position >= this.end) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'the backup ends early; the file was cut off');
      }
      const chunk = Buffer.alloc(Math.min(1 << 20, this.end - this.position));
      const { bytesRead } = await this.handle.read(chunk, 0, chunk.byteLength, this.position);
      this.position += bytesRead;
      this.buffer = Buffer.concat([this.buffer, this.decipher.update(chunk.subarray(0, bytesRead))]);
    }
    const out = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);

    return out;
  }
}

function deriveKey(passphrase: string, salt: Buffer): Buffer {
  if (passphrase.length < 12) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'the backup passphrase has fewer than 12 characters; choose a longer one');
  }

  return scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);

  return bytes;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
  }

  return hash.digest('hex');
}

async function copyFile(from: string, to: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    createReadStream(from).pipe(createWriteStream(to, { mode: 0o600 })).on('finish', resolve).on('error', reject);
  });
}
