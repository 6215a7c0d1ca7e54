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

/** Derives the id of a rejection from the raw message and the entry inside it. */
export function rejectionId(rawMessageId: string, entryIndex: number, field = ''): string {
  return createHash('sha256')
    .update(`${rawMessageId}\u0000${entryIndex}\u0000${field}`)
    .digest('base64url')
    .slice(0, 22);
}

export function newMessageId(): string {
  return randomUUID();
}
