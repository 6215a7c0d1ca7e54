import { createHash } from 'node:crypto';

import { type AuditEntry, type AuditRecord, type PreparedAuditEntry, recordFromEntry } from './audit-entry';

/** `prevHash` of entry 1: 64 zeros, the hex width of a SHA-256 digest. */
export const GENESIS_HASH = '0'.repeat(64);

/** First element of every encoding; a new encoding gets a new tag so old entries still verify. */
export const AUDIT_ENCODING_TAG = 'stadtdaten-audit-v1';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The last entry of the chain, or an earlier copy of it kept outside the database. */
export interface AuditHead {
  sequence: number;
  hash: string;
}

/** Reasons that `verify` reports for the first break in the chain. */
export const AuditChainBreak = {
  /** The stored hash does not match the entry's fields: the entry was changed after the append. */
  HASH_MISMATCH: 'HASH_MISMATCH',
  /** Sequence numbers are not consecutive: an entry was removed, or one with a number below 1 added. */
  SEQUENCE_GAP: 'SEQUENCE_GAP',
  /**
   * `prevHash` does not match the previous entry's hash: entries were reordered or inserted, or
   * the previous entry was changed and its hash recomputed.
   */
  PREV_HASH_MISMATCH: 'PREV_HASH_MISMATCH',
  /**
   * The anchored head is missing (the tail was removed) or differs (entries up to it were changed
   * and every hash after them recomputed).
   */
  HEAD_MISMATCH: 'HEAD_MISMATCH',
} as const;

export type AuditChainBreak = (typeof AuditChainBreak)[keyof typeof AuditChainBreak];

export type AuditVerification =
  | { valid: true; checked: number; head: AuditHead | null }
  | { valid: false; checked: number; sequence: number; reason: AuditChainBreak; message: string };

/**
 * Encodes a stored record for hashing: `JSON.stringify` of the array
 * [tag, sequence, id, timeMs, action, actorKind, actorSubject, actorTenant, actorRoles,
 * targetTenant, resourceType, resourceId, outcome, details, prevHash]. Numbers are integers,
 * absent tenants and resource ids are null, and actorRoles and details are the stored JSON texts,
 * embedded as strings.
 */
export function encodeAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  return JSON.stringify([
    AUDIT_ENCODING_TAG,
    record.sequence,
    record.id,
    record.timeMs,
    record.action,
    record.actorKind,
    record.actorSubject,
    record.actorTenant,
    record.actorRoles,
    record.targetTenant,
    record.resourceType,
    record.resourceId,
    record.outcome,
    record.details,
    record.prevHash,
  ]);
}

/** Returns the SHA-256 of the record's encoding as lower-case hex. */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(encodeAuditRecord(record), 'utf8').digest('hex');
}

/** Encodes an entry as `list` returns it, the same way the audit log did when it appended it. */
export function encodeAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return encodeAuditRecord(recordFromEntry({ ...entry, hash: '' }));
}

/** Recomputes an entry's hash, for checks outside the audit log. */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return hashAuditRecord(recordFromEntry({ ...entry, hash: '' }));
}

/**
 * Builds the record that follows `previous` (null for the first entry) and computes its hash.
 *
 * NOTE: the hash is unkeyed, so anyone with write access to the table can also append entries
 * that verify. Signing each anchored head with a key kept outside the database would expose those.
 */
export function sealAuditRecord(
  prepared: PreparedAuditEntry,
  previous: AuditHead | null,
  fields: { id: string; timeMs: number },
): AuditRecord {
  const unsealed = {
    ...prepared,
    sequence: (previous?.sequence ?? 0) + 1,
    id: fields.id,
    timeMs: fields.timeMs,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };

  return { ...unsealed, hash: hashAuditRecord(unsealed) };
}

/** Tests whether a value is a head: a positive sequence number and a lower-case hex SHA-256. */
export function isAuditHead(value: unknown): value is AuditHead {
  const head = value as AuditHead | null;

  return (
    typeof head === 'object' &&
    head !== null &&
    Number.isSafeInteger(head.sequence) &&
    head.sequence >= 1 &&
    typeof head.hash === 'string' &&
    HEX_SHA256.test(head.hash)
  );
}

type Break = { sequence: number; reason: AuditChainBreak; message: string };

/**
 * Checks records one at a time in sequence order and keeps only the previous hash, so a chain of
 * any length is checked in constant memory.
 */
export class AuditChainChecker {
  private expectedSequence = 1;
  private previousHash = GENESIS_HASH;

  constructor(private readonly anchor?: AuditHead) {}

  /** Number of records that passed. */
  get checked(): number {
    return this.expectedSequence - 1;
  }

  /** Checks the next record; returns the first break found in it, or undefined. */
  check(record: AuditRecord): Break | undefined {
    const sequence = this.expectedSequence;
    if (record.sequence !== sequence) {
      const message =
        record.sequence > sequence
          ? `entry ${sequence} is missing: the next stored entry is ${record.sequence}, so entries were removed`
          : `entry ${record.sequence} comes where entry ${sequence} was expected, so an entry was added outside the audit log`;

      return { sequence, reason: AuditChainBreak.SEQUENCE_GAP, message };
    }
    if (record.prevHash !== this.previousHash) {
      return {
        sequence,
        reason: AuditChainBreak.PREV_HASH_MISMATCH,
        message: `entry ${sequence} does not chain to entry ${sequence - 1}: entries were reordered or inserted, or entry ${sequence - 1} was changed and rehashed`,
      };
    }
    if (hashAuditRecord(record) !== record.hash) {
      return {
        sequence,
        reason: AuditChainBreak.HASH_MISMATCH,
        message: `entry ${sequence} does not match its stored hash, so it was changed after it was appended`,
      };
    }
    if (this.anchor?.sequence === sequence && this.anchor.hash !== record.hash) {
      return {
        sequence,
        reason: AuditChainBreak.HEAD_MISMATCH,
        message: `entry ${sequence} differs from the anchored head, so entries up to it were changed and the chain rehashed`,
      };
    }
    this.previousHash = record.hash;
    this.expectedSequence += 1;

    return undefined;
  }

  /** Checks, after the last record, that the anchored head was reached. */
  finish(): Break | undefined {
    if (this.anchor !== undefined && this.anchor.sequence > this.checked) {
      return {
        sequence: this.anchor.sequence,
        reason: AuditChainBreak.HEAD_MISMATCH,
        message: `the chain ends at entry ${this.checked} but the anchored head is entry ${this.anchor.sequence}, so entries at the end were removed`,
      };
    }

    return undefined;
  }
}
