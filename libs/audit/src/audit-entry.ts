import { AppError, ErrorCode, isTenantId } from '@stadtdaten/contracts';

import { type AuditDetails, canonicalDetails } from './audit-details';

/**
 * Stable codes of audited actions. They are stored in every entry and callers filter by them, so
 * a code is never renamed or reused.
 */
export const AuditAction = {
  DATA_READ_NON_PUBLIC: 'DATA_READ_NON_PUBLIC',
  PERSONAL_DATA_READ: 'PERSONAL_DATA_READ',
  EXPORT: 'EXPORT',
  KEY_ROTATED: 'KEY_ROTATED',
  KEY_CREATED: 'KEY_CREATED',
  CATALOG_CHANGED: 'CATALOG_CHANGED',
  DATASTREAM_CHANGED: 'DATASTREAM_CHANGED',
  LOGIN_FAILED: 'LOGIN_FAILED',
  PERSONAL_DATA_DELETED: 'PERSONAL_DATA_DELETED',
  BACKUP_CREATED: 'BACKUP_CREATED',
  BACKUP_RESTORED: 'BACKUP_RESTORED',
} as const;

export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Result of the audited action: done, rejected by an access check, or failed on an error. */
export const AuditOutcome = {
  SUCCESS: 'success',
  DENIED: 'denied',
  FAILED: 'failed',
} as const;

export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/**
 * The actor of an entry: an authenticated principal, an unauthenticated caller, or a platform
 * component such as a scheduled backup (its name in `subject`).
 */
export type AuditActor =
  | { kind: 'principal'; subject: string; tenant: string; roles: string[] }
  | { kind: 'anonymous' }
  | { kind: 'system'; subject: string };

export type AuditActorKind = AuditActor['kind'];

/** The resource that the action touched. `tenant` is null for platform-wide resources such as a backup. */
export interface AuditTarget {
  tenant: string | null;
  resourceType: string;
  resourceId: string | null;
}

/** An entry as a caller hands it to `AuditLog.append`. */
export interface AuditEntryInput {
  action: AuditAction;
  actor: AuditActor;
  target: AuditTarget;
  outcome: AuditOutcome;
  /** Small JSON object of context; see `canonicalDetails` for what is rejected. Default `{}`. */
  details?: AuditDetails;
}

/** A stored entry: the input plus the fields the audit log assigns when it appends. */
export interface AuditEntry {
  id: string;
  /** Position in the chain, starting at 1 with no gaps. */
  sequence: number;
  /** Time of the append from the injected clock, UTC epoch milliseconds. */
  timeMs: number;
  action: AuditAction;
  actor: AuditActor;
  target: AuditTarget;
  outcome: AuditOutcome;
  details: AuditDetails;
  /** `hash` of the previous entry, or `GENESIS_HASH` for entry 1. */
  prevHash: string;
  /** SHA-256 of the canonical encoding, lower-case hex; see `encodeAuditEntry`. */
  hash: string;
}

/**
 * An entry as the adapters store it: one column per field. The JSON columns hold the exact text
 * that was hashed, so verification hashes what is stored and never re-encodes it.
 */
export interface AuditRecord {
  sequence: number;
  id: string;
  timeMs: number;
  action: string;
  actorKind: string;
  /** Principal subject or system component name; empty for an anonymous actor. */
  actorSubject: string;
  actorTenant: string | null;
  /** JSON array of role names, sorted and without duplicates. */
  actorRoles: string;
  targetTenant: string | null;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  /** Canonical JSON of the details. */
  details: string;
  prevHash: string;
  hash: string;
}

/** The validated fields of an input, before the audit log assigns sequence, id, time and hashes. */
export type PreparedAuditEntry = Omit<AuditRecord, 'sequence' | 'id' | 'timeMs' | 'prevHash' | 'hash'>;

export const AuditErrorCode = {
  /** A stored entry cannot be decoded, which only a change outside the audit log can cause. */
  AUDIT_ENTRY_UNREADABLE: 'AUDIT_ENTRY_UNREADABLE',
} as const;

const ACTIONS: readonly string[] = Object.values(AuditAction);
const OUTCOMES: readonly string[] = Object.values(AuditOutcome);
const MAX_SUBJECT_LENGTH = 256;
const MAX_ROLE_LENGTH = 64;
const MAX_ROLES = 32;
const MAX_RESOURCE_TYPE_LENGTH = 64;
const MAX_RESOURCE_ID_LENGTH = 256;
/** C0 and C1 control characters, DEL, and lone UTF-16 surrogates (PostgreSQL cannot store those). */
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f]|\p{Surrogate}/u;

/** Validates an input and brings it into the stored form; throws VALIDATION_FAILED naming the field. */
export function prepareAuditEntry(input: AuditEntryInput): PreparedAuditEntry {
  if (!ACTIONS.includes(input.action)) {
    throw invalid('action', `unknown audit action ${JSON.stringify(input.action)}; use one of AuditAction`);
  }
  if (!OUTCOMES.includes(input.outcome)) {
    throw invalid(
      'outcome',
      `unknown audit outcome ${JSON.stringify(input.outcome)}; use success, denied or failed`,
    );
  }

  return {
    action: input.action,
    ...prepareActor(input.actor),
    ...prepareTarget(input.target),
    outcome: input.outcome,
    details: canonicalDetails(input.details ?? {}),
  };
}

function prepareActor(
  actor: AuditActor,
): Pick<AuditRecord, 'actorKind' | 'actorSubject' | 'actorTenant' | 'actorRoles'> {
  switch (actor?.kind) {
    case 'anonymous':
      return { actorKind: 'anonymous', actorSubject: '', actorTenant: null, actorRoles: '[]' };
    case 'system':
      return {
        actorKind: 'system',
        actorSubject: checkName(actor.subject, 'actor.subject', MAX_SUBJECT_LENGTH),
        actorTenant: null,
        actorRoles: '[]',
      };
    case 'principal':
      return {
        actorKind: 'principal',
        actorSubject: checkName(actor.subject, 'actor.subject', MAX_SUBJECT_LENGTH),
        actorTenant: checkTenant(actor.tenant, 'actor.tenant'),
        actorRoles: JSON.stringify(prepareRoles(actor.roles)),
      };
    default:
      throw invalid(
        'actor.kind',
        `unknown actor kind ${JSON.stringify((actor as { kind?: unknown } | undefined)?.kind)}; use principal, anonymous or system`,
      );
  }
}

function prepareRoles(roles: unknown): string[] {
  if (!Array.isArray(roles) || roles.length > MAX_ROLES) {
    throw invalid('actor.roles', `actor.roles must be an array of at most ${MAX_ROLES} role names`);
  }
  const names = roles.map((role, index) => checkName(role, `actor.roles[${index}]`, MAX_ROLE_LENGTH));

  // Sorted so that the same principal always encodes the same, whatever order its token listed.
  return [...new Set(names)].sort();
}

function prepareTarget(
  target: AuditTarget,
): Pick<AuditRecord, 'targetTenant' | 'resourceType' | 'resourceId'> {
  if (typeof target !== 'object' || target === null) {
    throw invalid('target', 'target is missing; pass { tenant, resourceType, resourceId }');
  }

  return {
    targetTenant: target.tenant === null ? null : checkTenant(target.tenant, 'target.tenant'),
    resourceType: checkName(target.resourceType, 'target.resourceType', MAX_RESOURCE_TYPE_LENGTH),
    resourceId:
      target.resourceId === null || target.resourceId === undefined
        ? null
        : checkName(target.resourceId, 'target.resourceId', MAX_RESOURCE_ID_LENGTH),
  };
}

function checkTenant(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isTenantId(value)) {
    throw invalid(
      field,
      `invalid ${field} ${JSON.stringify(value)}; use 2 to 63 lower-case letters, digits and dashes, starting with a letter`,
    );
  }

  return value;
}

function checkName(value: unknown, field: string, maxLength: number): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > maxLength ||
    FORBIDDEN_IN_NAMES.test(value)
  ) {
    throw invalid(
      field,
      `invalid ${field} ${JSON.stringify(value)}; use 1 to ${maxLength} characters without control characters`,
    );
  }

  return value;
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details: { field } });
}

/** Converts a stored record into the entry that `list` returns. */
export function entryFromRecord(record: AuditRecord): AuditEntry {
  return {
    id: record.id,
    sequence: record.sequence,
    timeMs: record.timeMs,
    action: record.action as AuditAction,
    actor: actorFromRecord(record),
    target: { tenant: record.targetTenant, resourceType: record.resourceType, resourceId: record.resourceId },
    outcome: record.outcome as AuditOutcome,
    details: parseStoredJson(record, 'details') as AuditDetails,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

function actorFromRecord(record: AuditRecord): AuditActor {
  if (record.actorKind === 'anonymous') return { kind: 'anonymous' };
  if (record.actorKind === 'system') return { kind: 'system', subject: record.actorSubject };

  return {
    kind: 'principal',
    subject: record.actorSubject,
    tenant: record.actorTenant ?? '',
    roles: parseStoredJson(record, 'actorRoles') as string[],
  };
}

function parseStoredJson(record: AuditRecord, column: 'details' | 'actorRoles'): unknown {
  try {
    return JSON.parse(record[column]);
  } catch (error) {
    throw new AppError(
      AuditErrorCode.AUDIT_ENTRY_UNREADABLE,
      `audit entry ${record.sequence} has invalid JSON in ${column}; run verify() to find changed entries`,
      { cause: error, details: { sequence: record.sequence, column } },
    );
  }
}

/** Converts an entry back into its stored form, re-encoding the JSON fields canonically. */
export function recordFromEntry(entry: AuditEntry): AuditRecord {
  const prepared = prepareAuditEntry(entry);

  return {
    ...prepared,
    sequence: entry.sequence,
    id: entry.id,
    timeMs: entry.timeMs,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
