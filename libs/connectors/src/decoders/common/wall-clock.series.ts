import { resolveLocalTime } from '@stadtdaten/formats';
import type { IANAZone } from 'luxon';
import { formatWallClock } from './wall-clock.parser';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Resolves the local wall-clock times of one series written in ascending order (the rows of
 * one station or one counter) to UTC instants in `zone`.
 *
 * A wall time in the hour that the autumn change repeats resolves to its first occurrence,
 * as resolveLocalTime does, except when the previous time of the same series lies at or after
 * that first occurrence and before the second one. Then the source has already written the
 * first pass through the hour, so this time is the second pass: in Europe/Berlin the rows
 * `2020-10-25 02:00` and `2020-10-25 02:00` again become 00:00Z and 01:00Z. A series in
 * descending order gets the first occurrence for both rows.
 */
export class WallClockSeries {
  private lastInstantMs: number | undefined;

  constructor(private readonly zone: IANAZone) {}

  /** UTC epoch ms of `wallMs`, or undefined inside the hour that the spring change skips. */
  resolve(wallMs: number): number | undefined {
    const first = resolveLocalTime(wallMs, this.zone);
    if (first === undefined) {
      return undefined;
    }

    const second = secondOccurrence(wallMs, first, this.zone);
    const last = this.lastInstantMs;
    const instant =
      second !== undefined && last !== undefined && last >= first && last < second ? second : first;
    this.lastInstantMs = instant;

    return instant;
  }
}

/** Returns the later instant that shows `wallMs` on the clock, when the autumn change repeats it. */
function secondOccurrence(wallMs: number, first: number, zone: IANAZone): number | undefined {
  const candidate = wallMs - zone.offset(wallMs + DAY_MS) * MINUTE_MS;
  const showsWallTime = zone.offset(candidate) * MINUTE_MS === wallMs - candidate;

  return candidate > first && showsWallTime ? candidate : undefined;
}

/** Problem text for a wall time that the spring change skips. */
export function skippedWallClockMessage(wallMs: number, zone: IANAZone): string {
  return (
    `The local time ${formatWallClock(wallMs)} does not exist in ${zone.name}, because the clocks skip that hour ` +
    'at the change to daylight-saving time; check the connector timeZone or correct the row at the source.'
  );
}
