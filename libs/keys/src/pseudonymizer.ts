import { createHmac } from 'node:crypto';
import type { TenantKeys } from './tenant-keys';

/** Prefix of every pseudonym, so that a reader can tell a pseudonym from a clear id. */
export const PSEUDONYM_PREFIX = 'psn_';

/**
 * Replaces person-related ids (a device owner's e-mail address, a customer number) with
 * HMAC-SHA-256 pseudonyms under the tenant's pseudonym key: the same id gives the same
 * pseudonym within a tenant and a different one in every other tenant. The pseudonym key is
 * never rotated, because a new key would give every person a new pseudonym.
 */
export class Pseudonymizer {
  constructor(private readonly keys: TenantKeys) {}

  async pseudonym(tenant: string, clearId: string): Promise<string> {
    const { key } = await this.keys.activeKey(tenant, 'pseudonym');
    const digest = createHmac('sha256', key).update(clearId.normalize('NFC')).digest();

    return `${PSEUDONYM_PREFIX}${digest.subarray(0, 16).toString('base64url')}`;
  }
}
