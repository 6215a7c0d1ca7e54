import { DERIVED_TYPE_PREFIX, isDerivedType } from '@stadtdaten/contracts';
import { RESERVED_DEVICE_IDS } from '../vocabulary';
import { type ProblemList, type ProblemPath, showValue } from './catalog-problems';

/**
 * Reports the ids that the platform keeps for itself: device types with the prefix of the
 * analytics service's types, unless `allowDerivedTypes` is set, and RESERVED_DEVICE_IDS. A
 * tenant's device of an `analytics-` type could never send readings, because the validator
 * rejects readings of such devices. Entries whose id already has a problem are skipped.
 */
export function checkReservedIds(raw: unknown, problems: ProblemList, allowDerivedTypes: boolean): void {
  if (!allowDerivedTypes) {
    for (const [path, id] of idsOf(raw, 'deviceTypes')) {
      if (isDerivedType(id) && !problems.hasAt(path)) {
        problems.add(
          path,
          `device type id ${showValue(id)} starts with "${DERIVED_TYPE_PREFIX}", which is reserved for the device types of the analytics service; choose an id without that prefix`,
        );
      }
    }
  }

  for (const [path, id] of idsOf(raw, 'devices')) {
    if (RESERVED_DEVICE_IDS.includes(id) && !problems.hasAt(path)) {
      problems.add(
        path,
        `device id ${showValue(id)} is reserved, because the MQTT topics stadtdaten/<tenant>/${id}/… carry messages of the platform and a device may publish below stadtdaten/<tenant>/<device id>/; choose another id`,
      );
    }
  }
}

/** Returns the path of each string `id` in a list section of the raw document. */
function idsOf(raw: unknown, section: string): Array<[ProblemPath, string]> {
  const entries = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[section] : undefined;
  if (!Array.isArray(entries)) {
    return [];
  }
  const ids: Array<[ProblemPath, string]> = [];
  entries.forEach((entry: unknown, index) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).id : undefined;
    if (typeof id === 'string') {
      ids.push([[section, index, 'id'], id]);
    }
  });

  return ids;
}
