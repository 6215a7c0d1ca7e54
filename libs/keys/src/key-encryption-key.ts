import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key-encryption key (KEK): AES-256-GCM key that wraps every tenant key. It never leaves
 * the process and is never stored next to the keys it wraps. Production takes it from a
 * secret store (a mounted file); embedded mode creates one under the data folder.
 */
export class KeyEncryptionKey {
  private constructor(private readonly key: Buffer) {}

  static fromBytes(key: Buffer): KeyEncryptionKey {
    if (key.byteLength !== KEY_BYTES) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `the key-encryption key has ${key.byteLength} bytes; it must have ${KEY_BYTES} (generate one with: openssl rand -base64 32)`,
      );
    }

    return new KeyEncryptionKey(key);
  }

  /** Reads a file holding the key in base64 (44 characters), as `openssl rand -base64 32` writes it. */
  static fromFile(path: string): KeyEncryptionKey {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new AppError(ErrorCode.INVALID_CONFIG, `cannot read the key-encryption key file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }

    return KeyEncryptionKey.fromBytes(Buffer.from(text, 'base64'));
  }

  /** Reads the file, or creates it with a new random key (mode 0600) where it does not exist. */
  static openOrCreate(path: string): { kek: KeyEncryptionKey; created: boolean } {
    if (existsSync(path)) {
      return { kek: KeyEncryptionKey.fromFile(path), created: false };
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process of the same data folder created it first; use that one.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        return { kek: KeyEncryptionKey.fromFile(path), created: false };
      }
      throw error;
    }
    chmodSync(path, 0o600);

    return { kek: KeyEncryptionKey.fromFile(path), created: true };
  }

  /** Encrypts a key; `context` (tenant, purpose, key id) is bound as associated data, so a wrapped key cannot be moved to another tenant. */
  wrap(plain: Buffer, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);

    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  unwrap(wrapped: Buffer, context: string): Buffer {
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(wrapped.byteLength - TAG_BYTES);
    const body = wrapped.subarray(IV_BYTES, wrapped.byteLength - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch (error) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `cannot unwrap the tenant key ${context}: the key-encryption key is not the one it was wrapped with, or the stored key was changed`,
        { cause: error },
      );
    }
  }
}
