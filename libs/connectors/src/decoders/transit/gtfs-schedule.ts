import { resolveLocalTime } from '@stadtdaten/formats';
import type { IANAZone } from 'luxon';
import { type CalendarDate, wallClockMs } from '../common/wall-clock.parser';
import type { GtfsStop } from './gtfs-stop.reader';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One row of stop_times.txt; times are seconds after the service day's start ("noon minus 12h"). */
export interface GtfsStopTime {
  stopSequence: number;
  stopId: string;
  arrivalS?: number;
  departureS?: number;
}

export interface GtfsTrip {
  tripId: string;
  routeId: string;
  serviceId: string;
  /** Stop times in ascending stop_sequence. */
  stopTimes: GtfsStopTime[];
}

export interface GtfsRoute {
  routeId: string;
  shortName?: string;
  longName?: string;
}

/** calendar.txt and calendar_dates.txt of one service_id. */
export interface GtfsService {
  /** Monday first, as calendar.txt orders the weekday columns. */
  weekdays?: readonly boolean[];
  /** YYYYMMDD, inclusive. */
  startDate?: string;
  endDate?: string;
  addedDates: Set<string>;
  removedDates: Set<string>;
}

/** The schedule of a GTFS feed: what realtime decoders need to compute delays and name stops. */
export class GtfsSchedule {
  constructor(
    /** agency_timezone, the zone of every stop_times time whatever stop_timezone states. */
    readonly zone: IANAZone,
    readonly stops: ReadonlyMap<string, GtfsStop>,
    readonly routes: ReadonlyMap<string, GtfsRoute>,
    readonly trips: ReadonlyMap<string, GtfsTrip>,
    private readonly services: ReadonlyMap<string, GtfsService>,
  ) {}

  /**
   * Start of the service day `date` as UTC epoch ms: noon local time minus 12 hours, the
   * reference of GTFS times, so `26:12:00` lies 26 h 12 min after it even across a
   * daylight-saving change.
   */
  serviceDayStartMs(date: CalendarDate): number {
    const noonWallMs = Date.UTC(date.year, date.month - 1, date.day, 12);
    // No zone skips or repeats noon, so resolveLocalTime always finds it.
    const noonMs = resolveLocalTime(noonWallMs, this.zone) ?? noonWallMs;

    return noonMs - 12 * HOUR_MS;
  }

  isServiceActive(serviceId: string, date: CalendarDate): boolean {
    const service = this.services.get(serviceId);
    if (service === undefined) {
      return false;
    }

    const text = formatServiceDate(date);
    if (service.removedDates.has(text)) {
      return false;
    }
    if (service.addedDates.has(text)) {
      return true;
    }
    if (service.weekdays === undefined || service.startDate === undefined || service.endDate === undefined) {
      return false;
    }
    const weekday = (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;

    return service.weekdays[weekday] && text >= service.startDate && text <= service.endDate;
  }

  /**
   * Finds the service day on which `trip` runs nearest to `referenceMs`: the day before, the day
   * of, or the day after `referenceMs` in the feed's zone, among the days its service runs.
   * Realtime feeds leave out start_date for trips that run once a day, so this finds it.
   */
  nearestServiceDay(trip: GtfsTrip, referenceMs: number): CalendarDate | undefined {
    const first = trip.stopTimes.find(
      (stopTime) => stopTime.departureS !== undefined || stopTime.arrivalS !== undefined,
    );
    const firstTimeS = first?.departureS ?? first?.arrivalS ?? 0;
    const localMs = referenceMs + this.zone.offset(referenceMs) * 60_000;
    let best: { date: CalendarDate; distanceMs: number } | undefined;
    for (const dayOffset of [-1, 0, 1]) {
      const day = new Date(localMs + dayOffset * DAY_MS);
      const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
      if (!this.isServiceActive(trip.serviceId, date)) {
        continue;
      }
      const distanceMs = Math.abs(this.serviceDayStartMs(date) + firstTimeS * 1000 - referenceMs);
      if (best === undefined || distanceMs < best.distanceMs) {
        best = { date, distanceMs };
      }
    }

    return best?.date;
  }
}

/** `20240627` for 2024-06-27. */
export function formatServiceDate(date: CalendarDate): string {
  return `${date.year}${String(date.month).padStart(2, '0')}${String(date.day).padStart(2, '0')}`;
}

/** Reads `20240627`; undefined for other text. */
export function parseServiceDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  const date =
    match === null ? undefined : { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };

  return date !== undefined && wallClockMs(date) !== undefined ? date : undefined;
}

/** Reads a GTFS time `26:12:00` (hours may exceed 24) as seconds; undefined for other text. */
export function parseGtfsTime(text: string): number | undefined {
  const match = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(text.trim());

  return match === null ? undefined : Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}
