import { SLOTS_PER_DAY, type SlotCalendar } from './slot-calendar';

/** Number of model features: intercept, last value, profile at the origin, profile at the target, same time yesterday. */
export const FEATURE_COUNT = 5;

/**
 * The free spaces of one facility on a slot grid, with the seasonal lags the forecast model
 * reads. The grid may reach past the newest value, so that targets in the future have a slot.
 */
export class ParkingSeries {
  private readonly profiles: Float64Array;
  private readonly profileKnown: Uint8Array;
  private readonly sameClass = new Map<number, number[]>();

  constructor(
    readonly grid: Float64Array,
    readonly calendar: SlotCalendar,
    private readonly profileWeeks: number,
  ) {
    this.profiles = new Float64Array(grid.length);
    this.profileKnown = new Uint8Array(grid.length);
  }

  get length(): number {
    return this.grid.length;
  }

  value(index: number): number {
    return index >= 0 && index < this.grid.length ? this.grid[index] : Number.NaN;
  }

  /**
   * Mean of the values at the same local time on the last `profileWeeks` days of the same day
   * class (the same weekday, holidays as Sundays) before the slot's day; NaN without any.
   */
  profile(index: number): number {
    if (this.profileKnown[index] === 1) {
      return this.profiles[index];
    }
    const day = this.calendar.dayOf(index);
    const slot = this.calendar.slotOf(index);
    let sum = 0;
    let count = 0;
    for (const earlier of this.sameClassDays(day)) {
      const value = this.value(this.calendar.indexAt(earlier, slot));
      if (!Number.isNaN(value)) {
        sum += value;
        count += 1;
      }
    }
    const profile = count === 0 ? Number.NaN : sum / count;
    this.profiles[index] = profile;
    this.profileKnown[index] = 1;

    return profile;
  }

  /** Returns the value at the same local time one calendar day before the slot. */
  yesterday(index: number): number {
    return this.value(this.calendar.indexAt(this.calendar.dayOf(index) - 1, this.calendar.slotOf(index)));
  }

  /** Returns the value at the same local time seven days before the slot (the seasonal-naive baseline). */
  weekBefore(index: number): number {
    return this.value(this.calendar.indexAt(this.calendar.dayOf(index) - 7, this.calendar.slotOf(index)));
  }

  /**
   * Writes the features of a forecast made at `origin` for `origin + horizon` into `out`;
   * returns false when one of them is missing.
   */
  features(origin: number, horizon: number, out: Float64Array): boolean {
    out[0] = 1;
    out[1] = this.value(origin);
    out[2] = this.profile(origin);
    out[3] = this.profile(origin + horizon);
    out[4] = this.yesterday(origin + horizon);

    return !(Number.isNaN(out[1]) || Number.isNaN(out[2]) || Number.isNaN(out[3]) || Number.isNaN(out[4]));
  }

  private sameClassDays(day: number): number[] {
    let days = this.sameClass.get(day);
    if (days === undefined) {
      days = this.calendar.sameClassDays(day, this.profileWeeks, this.profileWeeks * 7 + 14);
      this.sameClass.set(day, days);
    }

    return days;
  }
}

/** Slots of a horizon in milliseconds. */
export function horizonSlots(horizonMs: number): number {
  return Math.round(horizonMs / (86_400_000 / SLOTS_PER_DAY));
}
