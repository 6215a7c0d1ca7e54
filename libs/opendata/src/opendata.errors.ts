import { AppError, type AppErrorOptions } from '@stadtdaten/contracts';

/** Stable codes of export, import and publication errors. */
export const OpenDataErrorCode = {
  /** An export folder is unreadable: missing manifest, a path outside the folder, an unknown layout version. */
  INVALID_EXPORT: 'INVALID_EXPORT',
  /** A file of an export does not match the SHA-256 checksum or size in its manifest. */
  CHECKSUM_MISMATCH: 'CHECKSUM_MISMATCH',
  /** The folder an export should be written to already contains files. */
  EXPORT_TARGET_NOT_EMPTY: 'EXPORT_TARGET_NOT_EMPTY',
  /** The platform an export should be imported into already contains the tenant. */
  IMPORT_TARGET_NOT_EMPTY: 'IMPORT_TARGET_NOT_EMPTY',
  /** A signature of an export fails verification or does not match the observation it covers. */
  SIGNATURE_MISMATCH: 'SIGNATURE_MISMATCH',
  /** The imported registry differs from the exported one. */
  IMPORT_MISMATCH: 'IMPORT_MISMATCH',
  /** A CKAN portal rejected a call or did not answer. */
  CKAN_REQUEST_FAILED: 'CKAN_REQUEST_FAILED',
} as const;

export type OpenDataErrorCode = (typeof OpenDataErrorCode)[keyof typeof OpenDataErrorCode];

export class OpenDataError extends AppError {
  constructor(code: OpenDataErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
