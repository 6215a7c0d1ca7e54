import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TenantKeys } from './tenant-keys';

/** Prefix of an encrypted field value; the version names the layout below. */
export const ENVELOPE_PREFIX = 'enc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Field-level AES-256-GCM encryption under the tenant's active personal-data key. The result
 * is text `enc1.<key id>.<base64url of iv | ciphertext | tag>`, so it travels in any string
 * field. `context` (e.g. tenant, datastream and time of an observation) is bound as
 * associated data: a value copied to another observation no longer decrypts.
 */
export class EnvelopeCipher {
  constructor(private readonly keys: TenantKeys) {}

  static isEnvelope(value: string): boolean {
    return value.startsWith(`${ENVELOPE_PREFIX}.`);
  }

  async encrypt(tenant: string, plain: string, context: string): Promise<string> {
    const { id, key } = await this.keys.activeKey(tenant, 'personal-data');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`${tenant}\u0000${context}`));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);

    return `${ENVELOPE_PREFIX}.${id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  async decrypt(tenant: string, envelope: string, context: string): Promise<string> {
    const [prefix, id, payload] = envelope.split('.');
    if (prefix !== ENVELOPE_PREFIX || id === undefined || payload === undefined) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `value is not an ${ENVELOPE_PREFIX} envelope`);
    }
    const bytes = Buffer.from(payload, 'base64url');
    const key = await this.keys.key(tenant, 'personal-data', id);
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${tenant}\u0000${context}`));
    decipher.setAuthTag(bytes.subarray(bytes.byteLength - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.byteLength - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `encrypted value of tenant "${tenant}" does not decrypt under key ${id} for its context: it was changed or belongs to another observation`,
        { cause: error },
      );
    }
  }
}

/** Associated data that binds an encrypted observation result to its datastream and phenomenon time. */
export function observationContext(datastreamId: string, phenomenonTimeMs: number): string {
  return `observation\u0000${datastreamId}\u0000${phenomenonTimeMs}`;
}

/** Associated data that binds an encrypted raw payload to its tenant, device and message id. */
export function rawPayloadContext(deviceId: string, rawMessageId: string): string {
  return `raw\u0000${deviceId}\u0000${rawMessageId}`;
}
