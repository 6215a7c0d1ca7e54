import { AppError, ErrorCode } from '@stadtdaten/contracts';

import { AuditChainChecker, type AuditHead, type AuditVerification, isAuditHead } from './audit-chain';
import {
  type AuditAction,
  type AuditActorKind,
  type AuditEntry,
  type AuditEntryInput,
  type AuditOutcome,
  type AuditRecord,
  type PreparedAuditEntry,
  entryFromRecord,
  prepareAuditEntry,
} from './audit-entry';

/** Criteria of `AuditLog.list`; every given criterion must match. */
export interface AuditFilter {
  /** Inclusive lower bound of `timeMs`. */
  fromMs?: number;
  /** Exclusive upper bound of `timeMs`. */
  toMs?: number;
  actor?: { kind?: AuditActorKind; subject?: string };
  action?: AuditAction | readonly AuditAction[];
  /** Tenant of the target; entries with a platform-wide target (tenant null) never match. */
  tenant?: string;
  outcome?: AuditOutcome;
  resource?: { type: string; id?: string };
  /** `desc` (default) lists the newest entry first. */
  order?: 'asc' | 'desc';
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Entries per page, 1 to 1000, default 100. */
  limit?: number;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Cursor of the next page, or null when this page is the last. */
  nextCursor: string | null;
}

export interface AuditVerifyProgress {
  checked: number;
  /** Sequence number of the head when the verification started. */
  total: number;
}

export interface AuditVerifyOptions {
  /** Called after each batch. */
  onProgress?: (progress: AuditVerifyProgress) => void;
  /**
   * A head kept outside the database, from an earlier `head()`. Without it, removing entries at
   * the end of the chain, or changing entries and recomputing every later hash, goes undetected.
   * Null, as `head()` returns it for an empty log, is the same as no anchor.
   */
  anchor?: AuditHead | null;
  /** Entries read per query, 1 to 10,000, default 1000; bounds the memory in use. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 10_000;

/**
 * Append-only audit log of security-relevant actions, kept as a SHA-256 hash chain: every entry
 * stores the hash of the previous one, so changing, removing or reordering stored entries breaks
 * the chain, and `verify` reports where.
 *
 * `append` and `verify` are implemented here so that every adapter validates and checks the same
 * way. Adapters store records, serialise appends and read the chain in order.
 */
export abstract class AuditLog {
  /** Opens the storage and creates or migrates its tables. */
  abstract connect(): Promise<void>;

  /**
   * Validates the entry, assigns the next sequence number, the id and the time, chains it to the
   * current head and stores it. Concurrent appends, from one process or several, are serialised
   * so the chain never forks. Throws VALIDATION_FAILED, naming the field, for an invalid entry,
   * and for details keys named like secrets or person identifiers.
   */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const prepared = prepareAuditEntry(input);
    const record = await this.appendRecord(prepared);

    return entryFromRecord(record);
  }

  /** Lists matching entries by sequence number, one page at a time. */
  abstract list(filter?: AuditFilter): Promise<AuditPage>;

  /**
   * Returns the sequence number and hash of the last entry, or null when the log is empty. Keep it
   * outside the database (a signed batch, a log line, a ticket) to pass to `verify` later.
   */
  abstract head(): Promise<AuditHead | null>;

  /**
   * Walks the chain from entry 1 to the head as it was when the walk started, in batches, and
   * returns the first break: its sequence number, the reason and a message. Entries appended
   * during the walk are not checked.
   */
  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `invalid batchSize ${batchSize}; pass an integer from 1 to ${MAX_BATCH_SIZE}`,
        { details: { field: 'batchSize' } },
      );
    }
    const anchor = options.anchor ?? undefined;
    if (anchor !== undefined && !isAuditHead(anchor)) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `invalid anchor ${JSON.stringify(anchor)}; pass { sequence, hash } as head() returned it`,
        { details: { field: 'anchor' } },
      );
    }

    const head = await this.head();
    const total = head?.sequence ?? 0;
    const checker = new AuditChainChecker(anchor);
    // Starts below 1 so that a record stored with a sequence number below 1 is read and reported.
    let after = Number.MIN_SAFE_INTEGER;
    while (after < total) {
      const records = await this.readRecords(after, total, batchSize);
      if (records.length === 0) break;
      for (const record of records) {
        const broken = checker.check(record);
        if (broken !== undefined) return { valid: false, checked: checker.checked, ...broken };
      }
      after = records[records.length - 1].sequence;
      options.onProgress?.({ checked: checker.checked, total });
    }

    const broken = checker.finish();
    if (broken !== undefined) return { valid: false, checked: checker.checked, ...broken };

    return { valid: true, checked: checker.checked, head };
  }

  abstract close(): Promise<void>;

  /**
   * Stores the record that follows the current head, built with `sealAuditRecord`, and returns
   * it. Reading the head and inserting must be one serialised step.
   */
  protected abstract appendRecord(prepared: PreparedAuditEntry): Promise<AuditRecord>;

  /** Returns up to `limit` records with `afterSequence < sequence <= lastSequence`, in sequence order. */
  protected abstract readRecords(
    afterSequence: number,
    lastSequence: number,
    limit: number,
  ): Promise<AuditRecord[]>;
}
