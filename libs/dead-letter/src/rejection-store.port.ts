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
}

export interface RejectionFilter {
  tenant: string;
  reasonCode?: string;
  deviceId?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
  /** Skips this many of the newest matches; for paging. */
  offset?: number;
}

/** Keeps the rejections of the dead-letter topics queryable. */
export abstract class RejectionStore {
  abstract connect(): Promise<void>;

  /** Stores rejections; an id already stored is left unchanged. */
  abstract write(rejections: StoredRejection[]): Promise<void>;

  /** Lists matching rejections, newest first. */
  abstract list(filter: RejectionFilter): Promise<{ items: StoredRejection[]; total: number }>;

  abstract count(tenant: string): Promise<number>;

  /** Deletes every rejection of one device (a data subject's request); returns how many. */
  abstract deleteByDevice(tenant: string, deviceId: string): Promise<number>;

  abstract close(): Promise<void>;
}
