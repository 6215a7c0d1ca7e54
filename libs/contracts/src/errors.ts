/**
 * Stable reason codes. Codes that can appear in a Rejection event are part of
 * the public contract: clients filter the dead letter by them.
 */
export const RejectionCode = {
  MALFORMED_PAYLOAD: 'MALFORMED_PAYLOAD',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  UNKNOWN_DEVICE: 'UNKNOWN_DEVICE',
  UNKNOWN_DATASTREAM: 'UNKNOWN_DATASTREAM',
  WRONG_TYPE: 'WRONG_TYPE',
  UNIT_MISMATCH: 'UNIT_MISMATCH',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  NOT_FINITE: 'NOT_FINITE',
  INVALID_TIMESTAMP: 'INVALID_TIMESTAMP',
  FUTURE_TIMESTAMP: 'FUTURE_TIMESTAMP',
  MISSING_TIME_ZONE: 'MISSING_TIME_ZONE',
  RETIRED_DATASTREAM: 'RETIRED_DATASTREAM',
  /** The device has a derived device type (`analytics-*`), whose datastreams only the analytics service writes. */
  DERIVED_DEVICE: 'DERIVED_DEVICE',
  /** The validator failed on the message several times with an error that is no outage; it is kept for re-submission. */
  VALIDATION_ERROR: 'VALIDATION_ERROR',
} as const;

export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

export interface AppErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** Values that explain the error, for logs and problem details. */
  details?: Record<string, unknown>;
}

/** Base of every error the platform raises on purpose. */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }
}

/** A reading or payload that cannot be accepted; it goes to the dead letter. */
export class RejectionError extends AppError {
  constructor(
    code: RejectionCode,
    message: string,
    options: AppErrorOptions & { field?: string; entryIndex?: number } = {},
  ) {
    super(code, message, options);
    this.field = options.field;
    this.entryIndex = options.entryIndex ?? -1;
  }

  readonly field?: string;
  readonly entryIndex: number;
}

/** Errors of the HTTP edge and of the registry, mapped to status codes there. */
export const ErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  UNAVAILABLE: 'UNAVAILABLE',
  INVALID_CATALOG: 'INVALID_CATALOG',
  INVALID_CONFIG: 'INVALID_CONFIG',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
