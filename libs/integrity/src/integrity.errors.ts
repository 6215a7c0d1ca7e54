import { AppError, type AppErrorOptions } from '@stadtdaten/contracts';

/** Stable codes of the errors this library raises. */
export const IntegrityErrorCode = {
  /** An observation cannot be encoded canonically (missing result, non-finite number, bad text). */
  INVALID_OBSERVATION: 'INVALID_OBSERVATION',
  UNSUPPORTED_SCHEMA_VERSION: 'UNSUPPORTED_SCHEMA_VERSION',
  EMPTY_BATCH: 'EMPTY_BATCH',
  INVALID_BATCH_ID: 'INVALID_BATCH_ID',
  INVALID_SIGNATURE_REF: 'INVALID_SIGNATURE_REF',
  /** The key directory contains a file that cannot be read as this library wrote it. */
  INVALID_KEY_STORE: 'INVALID_KEY_STORE',
  SIGNING_KEY_MISSING: 'SIGNING_KEY_MISSING',
  /** A public key given for verification is not an Ed25519 JWK named by its RFC 7638 thumbprint. */
  INVALID_PUBLIC_KEY: 'INVALID_PUBLIC_KEY',
  /** A record of a signatures topic is not a signatures event, or its leaf hashes do not lead to its signed root. */
  INVALID_SIGNATURE_EVENT: 'INVALID_SIGNATURE_EVENT',
  /** Inclusion proofs of one batch give different hashes for the same tree node. */
  INCONSISTENT_PROOFS: 'INCONSISTENT_PROOFS',
  /** An export directory lacks a required file or contains an unreadable JWKS. */
  INVALID_EXPORT: 'INVALID_EXPORT',
} as const;

export type IntegrityErrorCode = (typeof IntegrityErrorCode)[keyof typeof IntegrityErrorCode];

/** An error raised by signing, key storage or export reading. A failed verification is a result, not an error. */
export class IntegrityError extends AppError {
  constructor(code: IntegrityErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
