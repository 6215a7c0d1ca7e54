/** One facility's latest free spaces and its capacity. */
export interface FacilityState {
  free: number;
  capacity: number;
}

/**
 * Occupancy of all facilities together, in percent: 100 × (1 − Σ free / Σ capacity). Free
 * counts above a facility's capacity count as the capacity. Undefined without any capacity.
 */
export function cityOccupancy(facilities: readonly FacilityState[]): { rate: number; free: number; capacity: number } | undefined {
  let free = 0;
  let capacity = 0;
  for (const facility of facilities) {
    if (!(facility.capacity > 0) || !Number.isFinite(facility.free)) {
      continue;
    }
    free += Math.min(Math.max(facility.free, 0), facility.capacity);
    capacity += facility.capacity;
  }
  if (capacity === 0) {
    return undefined;
  }

  return { rate: 100 * (1 - free / capacity), free, capacity };
}
