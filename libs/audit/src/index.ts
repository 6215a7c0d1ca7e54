export * from './audit-details';
export {
  AuditAction,
  AuditErrorCode,
  AuditOutcome,
  type AuditActor,
  type AuditActorKind,
  type AuditEntry,
  type AuditEntryInput,
  type AuditRecord,
  type AuditTarget,
} from './audit-entry';
export {
  AUDIT_ENCODING_TAG,
  AuditChainBreak,
  GENESIS_HASH,
  encodeAuditEntry,
  encodeAuditRecord,
  hashAuditEntry,
  hashAuditRecord,
  type AuditHead,
  type AuditVerification,
} from './audit-chain';
export * from './audit-log.port';
export * from './audit-principal';
export * from './sqlite-audit-log.adapter';
export { PostgresAuditLog, type PostgresAuditLogOptions } from './postgres-audit-log.adapter';
