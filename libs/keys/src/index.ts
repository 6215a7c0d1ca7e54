export { EnvelopeCipher, ENVELOPE_PREFIX, observationContext, rawPayloadContext } from './envelope-cipher';
export { KeyEncryptionKey } from './key-encryption-key';
export { PostgresTenantKeyRepository, type PostgresTenantKeyOptions } from './postgres-tenant-key.repository';
export { Pseudonymizer, PSEUDONYM_PREFIX } from './pseudonymizer';
export { SqliteTenantKeyRepository } from './sqlite-tenant-key.repository';
export { type KeyPurpose, TenantKeyRepository, type WrappedTenantKey } from './tenant-key-store.port';
export { type TenantKeyInfo, TenantKeys } from './tenant-keys';
