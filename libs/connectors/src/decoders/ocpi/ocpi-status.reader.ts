import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import type { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject } from '../common/source-value.parser';

/** EVSE status values of OCPI 2.2 and 2.2.1 (module Locations, enum Status). */
export const OCPI_EVSE_STATUSES: ReadonlySet<string> = new Set([
  'AVAILABLE',
  'BLOCKED',
  'CHARGING',
  'INOPERATIVE',
  'OUTOFORDER',
  'PLANNED',
  'REMOVED',
  'RESERVED',
  'UNKNOWN',
]);

/** OCPI status_code values from 2000 on report client, server and hub errors (1xxx is success). */
const FIRST_ERROR_STATUS_CODE = 2000;

/**
 * Returns the OCPI status text, or undefined after recording a problem at `position` when it
 * is not one of OCPI_EVSE_STATUSES.
 */
export function readOcpiStatus(
  status: unknown,
  position: string,
  collector: SourceResultCollector,
): string | undefined {
  if (typeof status === 'string' && OCPI_EVSE_STATUSES.has(status)) {
    return status;
  }

  collector.reject(
    RejectionCode.INVALID_PAYLOAD,
    `EVSE status ${JSON.stringify(status) ?? 'nothing'} is not an OCPI status; expected one of ${[...OCPI_EVSE_STATUSES].join(', ')}.`,
    position,
    status ?? null,
  );

  return undefined;
}

/**
 * Returns the `data` of an OCPI response envelope (`{ data, status_code, status_message,
 * timestamp }`), or the document itself when it is no envelope. Throws RejectionError
 * INVALID_PAYLOAD when the envelope reports an error status_code.
 */
export function unwrapOcpiEnvelope(document: unknown, format: string): unknown {
  if (!isJsonObject(document) || document.status_code === undefined) {
    return document;
  }

  const code = document.status_code;
  if (typeof code === 'number' && code >= FIRST_ERROR_STATUS_CODE) {
    throw new RejectionError(
      RejectionCode.INVALID_PAYLOAD,
      `The ${format} response reports OCPI status_code ${code} (${String(document.status_message ?? 'no message')}); ` +
        'check the credentials token and the request against the CPO platform.',
      { details: { statusCode: code } },
    );
  }

  return document.data;
}
