import type { IANAZone } from 'luxon';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Converts a wall-clock time without offset to a UTC instant in `zone`. `wallMs` is the wall
 * time written as if it were UTC (Date.UTC of its fields).
 *
 * Daylight-saving rule:
 * - A wall time inside the hour that the spring change skips does not exist, so this returns
 *   undefined (in Europe/Berlin 2020-03-29 02:00 to 02:59:59 is never shown on a clock).
 * - A wall time inside the hour that the autumn change repeats resolves to its FIRST
 *   occurrence, the earlier instant that still has the summer offset: Europe/Berlin
 *   2020-10-25T02:30 is 00:30Z (UTC+2), not 01:30Z (UTC+1).
 *
 * The candidate offsets are those in force one day before and one day after the wall time,
 * so the rule assumes at most one offset change per zone within two days.
 */
export function resolveLocalTime(wallMs: number, zone: IANAZone): number | undefined {
  const candidateOffsets = new Set([
    zone.offset(wallMs - DAY_MS),
    zone.offset(wallMs),
    zone.offset(wallMs + DAY_MS),
  ]);
  const instants = [...candidateOffsets]
    .map((offsetMinutes) => wallMs - offsetMinutes * MINUTE_MS)
    .filter((instantMs) => zone.offset(instantMs) * MINUTE_MS === wallMs - instantMs);

  return instants.length === 0 ? undefined : Math.min(...instants);
}
