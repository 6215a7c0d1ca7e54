/** A rejected reading as operators list it. */
export interface StoredRejection {
  id: string;
  tenant: string;
  reasonCode: string;
  detail: string;
  deviceId: string;
  field: string;
  entryIndex: number;
  topic: string;
  sourceProtocol: string;
  format: string;
  contentType: string;
  receivedAtMs: number;
  rejectedAtMs: number;
  /** The raw payload, base64; kept so an operator can correct and re-submit it. */
  payloadBase64: string;
  validatorVersion: string;
  /** Epoch milliseconds at which an operator sent the corrected message again; absent while the rejection is open. */
  resubmittedAtMs?: number;
  /** Token subject of the operator who sent the corrected message again; set together with `resubmittedAtMs`. */
  resubmittedBy?: string;
}

/** State of a rejection: open until an operator re-submits a corrected message, then re-submitted. */
export const REJECTION_STATES = ['open', 'resubmitted'] as const;

export type RejectionState = (typeof REJECTION_STATES)[number];

/** The mark an operator leaves on a rejection by sending its corrected message again. */
export interface RejectionResubmission {
  resubmittedAtMs: number;
  resubmittedBy: string;
}

export interface RejectionFilter {
  tenant: string;
  reasonCode?: string;
  deviceId?: string;
  fromMs?: number;
  toMs?: number;
  /** Only open or only re-submitted rejections; undefined lists both. */
  state?: RejectionState;
  limit?: number;
  /** Skips this many of the newest matches; for paging. */
  offset?: number;
}

/** Returns the state of a stored rejection. */
export function rejectionState(rejection: StoredRejection): RejectionState {
  return rejection.resubmittedAtMs === undefined ? 'open' : 'resubmitted';
}

/** Keeps the rejections of the dead-letter topics queryable. */
export abstract class RejectionStore {
  abstract connect(): Promise<void>;

  /**
   * Stores rejections; an id already stored is left unchanged, with one exception. When the
   * stored rejection is re-submitted and the same id arrives from a message received at or
   * after the re-submission, the corrected message failed in the same way: the new row
   * replaces the stored one and is open again. Redeliveries of the original message were
   * received earlier, so they leave the mark in place.
   */
  abstract write(rejections: StoredRejection[]): Promise<void>;

  /** Lists matching rejections, newest first. */
  abstract list(filter: RejectionFilter): Promise<{ items: StoredRejection[]; total: number }>;

  /** Returns one rejection of the tenant, or undefined when the tenant has no rejection with this id. */
  abstract get(tenant: string, id: string): Promise<StoredRejection | undefined>;

  /**
   * Marks an open rejection as re-submitted. Returns false, and changes nothing, when the id is
   * unknown in the tenant or the rejection is re-submitted already.
   */
  abstract markResubmitted(tenant: string, id: string, resubmission: RejectionResubmission): Promise<boolean>;

  /** Removes exactly this mark again (the corrected message could not be sent); another mark stays. */
  abstract unmarkResubmitted(tenant: string, id: string, resubmission: RejectionResubmission): Promise<void>;

  abstract count(tenant: string): Promise<number>;

  /** Deletes every rejection of one device (a data subject's request); returns how many. */
  abstract deleteByDevice(tenant: string, deviceId: string): Promise<number>;

  abstract close(): Promise<void>;
}
