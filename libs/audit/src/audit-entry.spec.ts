import { ErrorCode } from '@stadtdaten/contracts';

import {
  AuditAction,
  type AuditEntryInput,
  AuditOutcome,
  entryFromRecord,
  prepareAuditEntry,
} from './audit-entry';

function makeInput(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    action: AuditAction.KEY_ROTATED,
    actor: { kind: 'principal', subject: 'carol', tenant: 'darmstadt', roles: ['tenant-admin'] },
    target: { tenant: 'darmstadt', resourceType: 'signing-key', resourceId: 'key-2025-01' },
    outcome: AuditOutcome.SUCCESS,
    ...overrides,
  };
}

describe(prepareAuditEntry.name, () => {
  it('stores empty details when none are given', () => {
    expect(prepareAuditEntry(makeInput()).details).toBe('{}');
  });

  it('stores a missing resource id as null', () => {
    const input = makeInput({ target: { tenant: null, resourceType: 'backup' } as never });

    expect(prepareAuditEntry(input)).toMatchObject({ targetTenant: null, resourceId: null });
  });

  it('stores an anonymous actor without subject or roles', () => {
    const prepared = prepareAuditEntry(makeInput({ actor: { kind: 'anonymous' } }));

    expect(prepared).toMatchObject({
      actorKind: 'anonymous',
      actorSubject: '',
      actorTenant: null,
      actorRoles: '[]',
    });
  });

  const invalid: Array<[name: string, input: AuditEntryInput, field: string]> = [
    ['unknown outcome', makeInput({ outcome: 'ok' as AuditOutcome }), 'outcome'],
    ['unknown actor kind', makeInput({ actor: { kind: 'robot' } as never }), 'actor.kind'],
    ['empty subject', makeInput({ actor: { kind: 'system', subject: '' } }), 'actor.subject'],
    [
      'subject with a line break',
      makeInput({ actor: { kind: 'principal', subject: 'a\nb', tenant: 'darmstadt', roles: [] } }),
      'actor.subject',
    ],
    [
      'invalid actor tenant',
      makeInput({ actor: { kind: 'principal', subject: 'carol', tenant: 'Darmstadt', roles: [] } }),
      'actor.tenant',
    ],
    [
      'roles that are no array',
      makeInput({
        actor: { kind: 'principal', subject: 'carol', tenant: 'darmstadt', roles: 'analyst' as never },
      }),
      'actor.roles',
    ],
    [
      'empty role name',
      makeInput({ actor: { kind: 'principal', subject: 'carol', tenant: 'darmstadt', roles: [''] } }),
      'actor.roles[0]',
    ],
    [
      'invalid target tenant',
      makeInput({ target: { tenant: 'a b', resourceType: 'x', resourceId: null } }),
      'target.tenant',
    ],
    [
      'empty resource type',
      makeInput({ target: { tenant: null, resourceType: '', resourceId: null } }),
      'target.resourceType',
    ],
    [
      'resource id above 256 characters',
      makeInput({ target: { tenant: null, resourceType: 'x', resourceId: 'i'.repeat(257) } }),
      'target.resourceId',
    ],
    [
      'lone surrogate in a resource id',
      makeInput({ target: { tenant: null, resourceType: 'x', resourceId: '\udc00' } }),
      'target.resourceId',
    ],
    ['missing target', makeInput({ target: undefined as never }), 'target'],
  ];

  it.each(invalid)('rejects %s', (_name, input, field) => {
    expect(() => prepareAuditEntry(input)).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, details: { field } }),
    );
  });
});

describe(entryFromRecord.name, () => {
  it('rejects stored details that are no JSON', () => {
    const prepared = prepareAuditEntry(makeInput());
    const record = {
      ...prepared,
      details: '{broken',
      sequence: 7,
      id: 'i',
      timeMs: 0,
      prevHash: '',
      hash: '',
    };

    expect(() => entryFromRecord(record)).toThrow(
      expect.objectContaining({
        code: 'AUDIT_ENTRY_UNREADABLE',
        details: { sequence: 7, column: 'details' },
      }),
    );
  });
});
