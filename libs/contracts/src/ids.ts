import { createHash, randomUUID } from 'node:crypto';

/**
 * Derives the id of an observation from tenant, datastream and phenomenon time, so a
 * redelivered or replayed reading always maps to the same id and every write is idempotent.
 */
export function observationId(tenant: string, datastreamId: string, phenomenonTimeMs: number): string {
  return createHash('sha256')
    .update(`${tenant}\u0000${datastreamId}\u0000${phenomenonTimeMs}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Derives the id of a rejection from what was sent (tenant, device, payload) and the entry
 * inside it, so the same bad payload sent again is the same rejection, not a second one.
 */
export function rejectionId(
  raw: { tenant: string; deviceId: string; payload: Uint8Array },
  entryIndex: number,
  field = '',
): string {
  return createHash('sha256')
    .update(`${raw.tenant}\u0000${raw.deviceId}\u0000${entryIndex}\u0000${field}\u0000`)
    .update(raw.payload)
    .digest('base64url')
    .slice(0, 22);
}

export function newMessageId(): string {
  return randomUUID();
}
