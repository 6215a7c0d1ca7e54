/**
 * Purpose of a tenant key; each purpose has its own keys. A `verification` key is the public
 * key of another signer, such as the platform an import came from. It is stored as given and
 * is never active.
 */
export type KeyPurpose = 'pseudonym' | 'personal-data' | 'signing' | 'verification';

/** A stored tenant key, still wrapped by the key-encryption key. */
export interface WrappedTenantKey {
  tenant: string;
  purpose: KeyPurpose;
  /** k1, k2, …: the number grows with each rotation. */
  id: string;
  wrapped: Buffer;
  createdAtMs: number;
  active: boolean;
}

/**
 * Storage of wrapped tenant keys. Implementations keep the keys apart from the data they
 * protect (own SQLite file, own PostgreSQL schema) and never see a key in clear.
 */
export abstract class TenantKeyRepository {
  /** Inserts the key unless a key with that id exists; returns whether it was inserted. */
  abstract insert(key: WrappedTenantKey): Promise<boolean>;
  abstract find(tenant: string, purpose: KeyPurpose, id: string): Promise<WrappedTenantKey | undefined>;
  abstract active(tenant: string, purpose: KeyPurpose): Promise<WrappedTenantKey | undefined>;
  abstract list(tenant?: string): Promise<WrappedTenantKey[]>;
  /** Makes `id` the active key of the tenant and purpose, and every other key of them inactive. */
  abstract activate(tenant: string, purpose: KeyPurpose, id: string): Promise<void>;
  /**
   * Replaces the wrapping of every stored key with `rewrap(key)`, all or none in one
   * transaction; returns the number of keys. Used when the key-encryption key changes.
   */
  abstract rewrapAll(rewrap: (key: WrappedTenantKey) => Buffer): Promise<number>;
  abstract close(): Promise<void>;
}
