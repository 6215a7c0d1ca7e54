import { DateTime } from 'luxon';
import { hesseHolidays } from './hesse-holidays';

/** Width of a forecast slot: the grid the parking forecast reads and predicts on. */
export const SLOT_MS = 15 * 60_000;

export const SLOTS_PER_DAY = 96;

/** Day class of Sundays and of public holidays, which count as Sundays. */
const SUNDAY_CLASS = 7;

/**
 * The local calendar of a grid of 15-minute slots from `startMs`: each slot's local day and
 * time of day in the time zone, and each day's class (Monday 1 … Sunday 7, public holidays 7).
 * Seasonal lags read it, so they follow local time across summer-time changes and treat a
 * holiday like a Sunday.
 */
export class SlotCalendar {
  private readonly localDay: Int32Array;
  private readonly slotOfDay: Int16Array;
  private readonly classes = new Map<number, number>();
  private readonly indexByDaySlot = new Map<number, number>();

  constructor(
    readonly startMs: number,
    readonly slots: number,
    readonly timeZone: string,
    holidays: 'hesse' | 'none',
  ) {
    this.localDay = new Int32Array(slots);
    this.slotOfDay = new Int16Array(slots);
    const holidayDays = new Set<number>();
    for (let index = 0; index < slots; index += 1) {
      const local = DateTime.fromMillis(startMs + index * SLOT_MS, { zone: timeZone });
      const day = Math.floor(Date.UTC(local.year, local.month - 1, local.day) / 86_400_000);
      const slot = Math.floor((local.hour * 60 + local.minute) / 15);
      this.localDay[index] = day;
      this.slotOfDay[index] = slot;
      if (!this.indexByDaySlot.has(day * 128 + slot)) {
        this.indexByDaySlot.set(day * 128 + slot, index);
      }
      if (!this.classes.has(day)) {
        if (holidays === 'hesse' && !holidayDays.has(day)) {
          hesseHolidays(local.year).forEach((date) => holidayDays.add(Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000)));
        }
        this.classes.set(day, holidayDays.has(day) ? SUNDAY_CLASS : local.weekday);
      }
    }
  }

  dayOf(index: number): number {
    return this.localDay[index];
  }

  slotOf(index: number): number {
    return this.slotOfDay[index];
  }

  /** Day class of a local day of the grid (Monday 1 … Sunday and holidays 7); 0 for a day outside it. */
  classOf(day: number): number {
    return this.classes.get(day) ?? 0;
  }

  /** Grid index of a local day and slot, or -1 when the grid does not hold it. */
  indexAt(day: number, slot: number): number {
    return this.indexByDaySlot.get(day * 128 + slot) ?? -1;
  }

  /** Returns the `count` most recent days before `day` with the same class, looking back at most `maxDaysBack` days. */
  sameClassDays(day: number, count: number, maxDaysBack: number): number[] {
    const dayClass = this.classOf(day);
    const found: number[] = [];
    for (let back = 1; back <= maxDaysBack && found.length < count; back += 1) {
      if (this.classOf(day - back) === dayClass) {
        found.push(day - back);
      }
    }

    return found;
  }
}
