import type { Principal } from '@stadtdaten/contracts';

import { auditPrincipal, auditSystem } from './audit-principal';

describe(auditPrincipal.name, () => {
  it('maps subject, tenant and roles', () => {
    const principal: Principal = {
      subject: 'alice',
      tenant: 'darmstadt',
      roles: ['analyst', 'tenant-admin'],
    };

    expect(auditPrincipal(principal)).toEqual({
      kind: 'principal',
      subject: 'alice',
      tenant: 'darmstadt',
      roles: ['analyst', 'tenant-admin'],
    });
  });

  it('copies the roles', () => {
    const principal: Principal = { subject: 'alice', tenant: 'darmstadt', roles: ['analyst'] };

    const actor = auditPrincipal(principal);
    principal.roles.push('platform-admin');

    expect(actor).toMatchObject({ roles: ['analyst'] });
  });

  it.each([undefined, null])('maps %s to anonymous', (principal) => {
    expect(auditPrincipal(principal)).toEqual({ kind: 'anonymous' });
  });
});

describe(auditSystem.name, () => {
  it('names the component', () => {
    expect(auditSystem('backup')).toEqual({ kind: 'system', subject: 'backup' });
  });
});
