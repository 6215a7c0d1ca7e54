export * from './runtime.module';
export * from './http-edge.module';
export * from './problem.filter';
export * from './run-service';
export { EMBEDDED_FILES } from './adapter-factories';
export { KEY_FILES, createAuditLog, createSignatureStore, openTenantKeys } from './security-factories';
export { AuditTrail } from './audit-trail';
