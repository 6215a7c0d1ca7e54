import { AppError, type Clock, ErrorCode } from '@stadtdaten/contracts';
import { randomBytes } from 'node:crypto';
import type { KeyEncryptionKey } from './key-encryption-key';
import { type KeyPurpose, TenantKeyRepository } from './tenant-key-store.port';

const KEY_BYTES = 32;
const FIRST_KEY_ID = 'k1';

/** A tenant key as callers see it: metadata only, never the key bytes. */
export interface TenantKeyInfo {
  tenant: string;
  purpose: KeyPurpose;
  id: string;
  createdAt: string;
  active: boolean;
}

/**
 * Per-tenant secrets: created on first use, wrapped by the key-encryption key at rest, and
 * kept unwrapped only in this process's memory. Rotation adds a key and makes it active; the
 * old keys stay, so that data encrypted under them can still be read.
 */
export class TenantKeys {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly repository: TenantKeyRepository,
    private kek: KeyEncryptionKey,
    private readonly clock: Clock,
  ) {}

  /** The active key of the tenant for the purpose; the first call for a tenant creates key k1. */
  async activeKey(tenant: string, purpose: KeyPurpose): Promise<{ id: string; key: Buffer }> {
    rejectVerificationPurpose(purpose);
    let stored = await this.repository.active(tenant, purpose);
    if (stored === undefined) {
      await this.repository.insert({
        tenant,
        purpose,
        id: FIRST_KEY_ID,
        wrapped: this.kek.wrap(randomBytes(KEY_BYTES), context(tenant, purpose, FIRST_KEY_ID)),
        createdAtMs: this.clock.now(),
        active: true,
      });
      // Another process may have inserted k1 first; both then read the same row.
      stored = await this.repository.active(tenant, purpose);
    }

    return { id: stored!.id, key: await this.key(tenant, purpose, stored!.id) };
  }

  async key(tenant: string, purpose: KeyPurpose, id: string): Promise<Buffer> {
    const cacheKey = context(tenant, purpose, id);
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) {
      return cached;
    }
    const stored = await this.repository.find(tenant, purpose, id);
    if (stored === undefined) {
      throw new AppError(ErrorCode.NOT_FOUND, `tenant "${tenant}" has no ${purpose} key "${id}"; the data was encrypted with a key that is no longer stored`);
    }
    const key = this.kek.unwrap(stored.wrapped, cacheKey);
    this.cache.set(cacheKey, key);

    return key;
  }

  /** Adds key k<n+1> for the tenant and purpose and makes it the active one; returns its id. */
  async rotate(tenant: string, purpose: KeyPurpose): Promise<string> {
    rejectVerificationPurpose(purpose);
    await this.activeKey(tenant, purpose);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const existing = await this.repository.list(tenant);
      const numbers = existing.filter((key) => key.purpose === purpose).map((key) => Number(key.id.slice(1)));
      const id = `k${Math.max(0, ...numbers) + 1}`;
      const inserted = await this.repository.insert({
        tenant,
        purpose,
        id,
        wrapped: this.kek.wrap(randomBytes(KEY_BYTES), context(tenant, purpose, id)),
        createdAtMs: this.clock.now(),
        active: false,
      });
      if (inserted) {
        await this.repository.activate(tenant, purpose, id);
        return id;
      }
    }
    throw new AppError(ErrorCode.CONFLICT, `could not rotate the ${purpose} key of tenant "${tenant}": other rotations kept taking the next id; try again`);
  }

  /**
   * Stores a public key made elsewhere under `id` as an inactive `verification` key. Returns
   * false when the tenant already has a verification key with that id. Such a key never
   * becomes active, because activeKey and rotate reject its purpose.
   */
  async addVerificationKey(tenant: string, id: string, publicKey: Buffer): Promise<boolean> {
    const purpose: KeyPurpose = 'verification';

    return this.repository.insert({
      tenant,
      purpose,
      id,
      wrapped: this.kek.wrap(publicKey, context(tenant, purpose, id)),
      createdAtMs: this.clock.now(),
      active: false,
    });
  }

  /**
   * Wraps every stored key under `next` instead of the current key-encryption key, all keys in
   * one transaction. A key the current one cannot unwrap stops it with nothing changed.
   * Afterwards only `next` opens the store, and this instance switches to it. Run it while no other
   * process uses the store, because a process with the old key would wrap its new keys under that one.
   */
  async rewrap(next: KeyEncryptionKey): Promise<number> {
    const count = await this.repository.rewrapAll((key) => {
      const id = context(key.tenant, key.purpose, key.id);

      return next.wrap(this.kek.unwrap(key.wrapped, id), id);
    });
    this.kek = next;

    return count;
  }

  async describe(tenant?: string): Promise<TenantKeyInfo[]> {
    const keys = await this.repository.list(tenant);

    return keys.map((key) => ({
      tenant: key.tenant,
      purpose: key.purpose,
      id: key.id,
      createdAt: new Date(key.createdAtMs).toISOString(),
      active: key.active,
    }));
  }

  close(): Promise<void> {
    this.cache.clear();
    return this.repository.close();
  }
}

function rejectVerificationPurpose(purpose: KeyPurpose): void {
  if (purpose === 'verification') {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'verification keys are public keys from elsewhere and are never active: add them with addVerificationKey');
  }
}

function context(tenant: string, purpose: KeyPurpose, id: string): string {
  return `${tenant}\u0000${purpose}\u0000${id}`;
}
