import { createHash } from 'node:crypto';

/** Device types of derived datastreams start with this, so the jobs never read their own output as input. */
export const DERIVED_TYPE_PREFIX = 'analytics-';

const MAX_DEVICE_ID = 128;
const MAX_TYPE_ID = 63;
const MAX_FIELD = 64;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Shortens `id` to `max` characters, keeping it unique by a hash of the whole id. */
function fitLength(id: string, max: number): string {
  if (id.length <= max) {
    return id;
  }

  return `${id.slice(0, max - 9)}-${shortHash(id)}`;
}

/**
 * Id of the derived device of one source device or thing, e.g. `rollup-demo-parking-carree`.
 * Device and thing ids contain no dot and share one alphabet, so prefix and id stay unique.
 */
export function derivedDeviceId(prefix: string, sourceId: string): string {
  return fitLength(`${prefix}-${sourceId}`, MAX_DEVICE_ID);
}

/** Id of a derived device type: `analytics-<kind>` or `analytics-<kind>-<source device type>`. */
export function derivedTypeId(kind: string, sourceTypeId?: string): string {
  const id = sourceTypeId === undefined ? `${DERIVED_TYPE_PREFIX}${kind}` : `${DERIVED_TYPE_PREFIX}${kind}-${sourceTypeId}`;

  return fitLength(id, MAX_TYPE_ID);
}

/** Field of a derived datastream: the source field and what was derived, e.g. `free_spaces.mean_1h`. */
export function derivedField(sourceField: string, suffix: string): string {
  return fitLength(`${sourceField}.${suffix}`, MAX_FIELD);
}

export function isDerivedType(deviceTypeId: string): boolean {
  return deviceTypeId.startsWith(DERIVED_TYPE_PREFIX);
}
