import type { Principal } from '@stadtdaten/contracts';

import type { AuditActor } from './audit-entry';

/**
 * Maps the principal that the auth guard passes to services to an audit actor; a missing
 * principal (an unauthenticated request) becomes the anonymous actor. Roles are copied, so later
 * changes to the principal do not reach the entry.
 */
export function auditPrincipal(principal: Principal | null | undefined): AuditActor {
  if (principal === null || principal === undefined) return { kind: 'anonymous' };

  return {
    kind: 'principal',
    subject: principal.subject,
    tenant: principal.tenant,
    roles: [...principal.roles],
  };
}

/** Returns the actor of a platform component acting on its own, such as `backup` or `key-rotation`. */
export function auditSystem(component: string): AuditActor {
  return { kind: 'system', subject: component };
}
