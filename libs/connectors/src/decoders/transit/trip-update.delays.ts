import { RejectionCode } from '@stadtdaten/contracts';
import type { SourceResultCollector } from '../common/source-result.collector';
import type { CalendarDate } from '../common/wall-clock.parser';
import {
  type RtStopTimeEvent,
  type RtTripUpdate,
  StopRelationship,
  TripRelationship,
} from './gtfs-realtime.model';
import { type GtfsSchedule, type GtfsStopTime, type GtfsTrip, parseServiceDate } from './gtfs-schedule';
import type { PunctualityRecorder } from './punctuality.recorder';

const STOPS_WITHOUT_DELAY: ReadonlySet<number> = new Set([
  StopRelationship.SKIPPED,
  StopRelationship.NO_DATA,
  StopRelationship.UNSCHEDULED,
]);
const TRIPS_WITHOUT_DELAY: ReadonlySet<number> = new Set([
  TripRelationship.CANCELED,
  TripRelationship.DELETED,
]);

/** Collector, recorder, schedule and reference time for reading trip updates. */
export interface TripUpdateContext {
  result: SourceResultCollector;
  recorder: PunctualityRecorder;
  schedule?: GtfsSchedule;
  /** Feed or update timestamp, else the decode time: finds the service day when start_date is absent. */
  referenceMs: number;
}

/**
 * Records the arrival and departure delays of one GTFS-RT TripUpdate.
 *
 * Per stop time event: the delay is `delay` where given, else `time` minus the scheduled
 * time. The scheduled time is `scheduled_time` where given, else `time` minus `delay` where
 * both are given, else the stop_times.txt time of the static feed on the trip's service
 * day (start_date, or the nearest day the trip's service runs). An event for which neither
 * works is a problem at its position. Canceled and deleted trips and skipped, no-data and
 * unscheduled stops count as missing.
 */
export function recordTripUpdateDelays(update: RtTripUpdate, context: TripUpdateContext): void {
  const { result, schedule } = context;
  if (TRIPS_WITHOUT_DELAY.has(update.trip.scheduleRelationship)) {
    result.countMissing();

    return;
  }

  const staticTrip = update.trip.tripId === undefined ? undefined : schedule?.trips.get(update.trip.tripId);
  const routeId = update.trip.routeId ?? staticTrip?.routeId;
  if (routeId === undefined) {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The trip ${JSON.stringify(update.trip.tripId ?? null)} has no route_id and is not in the static feed; ` +
        'set options.staticFeed to the GTFS feed that this realtime feed belongs to.',
      `${update.position === '' ? '' : `${update.position}.`}trip`,
      update.trip.tripId ?? '',
    );

    return;
  }

  const serviceDay = new ServiceDayFinder(update, staticTrip, context);
  let lastSequence = -1;
  for (const stopUpdate of update.stopTimeUpdates) {
    if (STOPS_WITHOUT_DELAY.has(stopUpdate.scheduleRelationship)) {
      result.countMissing();
      continue;
    }

    const stopTime =
      staticTrip === undefined ? undefined : findStopTime(staticTrip, stopUpdate, lastSequence);
    lastSequence = stopTime?.stopSequence ?? stopUpdate.stopSequence ?? lastSequence;
    const stopId = stopUpdate.stopId ?? stopTime?.stopId;
    if (stopId === undefined) {
      result.reject(
        RejectionCode.UNKNOWN_DEVICE,
        `The stop_time_update has no stop_id, and stop_sequence ${stopUpdate.stopSequence ?? 'is absent'} is not in ` +
          'the static trip; set options.staticFeed to the feed of this realtime feed.',
        stopUpdate.position,
        stopUpdate.stopSequence ?? '',
      );
      continue;
    }

    const events = [
      { event: stopUpdate.arrival, field: 'arrival_delay', staticS: stopTime?.arrivalS },
      { event: stopUpdate.departure, field: 'departure_delay', staticS: stopTime?.departureS },
    ] as const;
    for (const { event, field, staticS } of events) {
      if (event !== undefined) {
        recordEvent(event, { routeId, stopId, field, staticS, serviceDay, context });
      }
    }
  }
}

interface EventTarget {
  routeId: string;
  stopId: string;
  field: 'arrival_delay' | 'departure_delay';
  staticS?: number;
  serviceDay: ServiceDayFinder;
  context: TripUpdateContext;
}

function recordEvent(event: RtStopTimeEvent, target: EventTarget): void {
  const serviceDayStartMs = target.staticS === undefined ? undefined : target.serviceDay.startMs();
  const staticScheduledS =
    serviceDayStartMs === undefined || target.staticS === undefined
      ? undefined
      : serviceDayStartMs / 1000 + target.staticS;
  const scheduledS =
    event.scheduledTimeS ??
    (event.timeS !== undefined && event.delayS !== undefined ? event.timeS - event.delayS : undefined) ??
    staticScheduledS;
  const delayS =
    event.delayS ??
    (event.timeS !== undefined && scheduledS !== undefined ? event.timeS - scheduledS : undefined);
  if (scheduledS === undefined || delayS === undefined) {
    target.context.result.reject(
      RejectionCode.INVALID_PAYLOAD,
      missingScheduleMessage(event, target),
      event.position,
      {
        delay: event.delayS ?? null,
        time: event.timeS ?? null,
      },
    );

    return;
  }

  target.context.recorder.record({
    routeId: target.routeId,
    stopId: target.stopId,
    field: target.field,
    delayS,
    scheduledMs: scheduledS * 1000,
    position: event.position,
  });
}

function missingScheduleMessage(event: RtStopTimeEvent, target: EventTarget): string {
  if (event.delayS === undefined && event.timeS === undefined) {
    return 'The stop time event has neither delay nor time, so it states no delay.';
  }
  if (target.context.schedule === undefined) {
    return (
      `The stop time event has ${event.delayS === undefined ? 'a time but no delay' : 'a delay but no time'}, and no ` +
      'scheduled time is known; set options.staticFeed to the GTFS feed of this realtime feed.'
    );
  }

  return (
    'The stop time event needs the scheduled time, but the static feed has no time for this trip and stop, ' +
    'or the trip has no service day near the feed time; check that options.staticFeed is the current feed.'
  );
}

/** Finds the static stop time of `update` by stop_sequence, else the next one after `lastSequence` with its stop_id. */
function findStopTime(
  trip: GtfsTrip,
  update: { stopSequence?: number; stopId?: string },
  lastSequence: number,
): GtfsStopTime | undefined {
  if (update.stopSequence !== undefined) {
    return trip.stopTimes.find((stopTime) => stopTime.stopSequence === update.stopSequence);
  }

  return trip.stopTimes.find(
    (stopTime) => stopTime.stopId === update.stopId && stopTime.stopSequence > lastSequence,
  );
}

/** Finds the trip's service day once, when the first event needs the static schedule. */
class ServiceDayFinder {
  private found: { startMs?: number } | undefined;

  constructor(
    private readonly update: RtTripUpdate,
    private readonly staticTrip: GtfsTrip | undefined,
    private readonly context: TripUpdateContext,
  ) {}

  /** Start of the service day ("noon minus 12h"), UTC epoch ms; undefined without schedule or day. */
  startMs(): number | undefined {
    if (this.found === undefined) {
      this.found = { startMs: this.find() };
    }

    return this.found.startMs;
  }

  private find(): number | undefined {
    const { schedule, referenceMs } = this.context;
    if (schedule === undefined || this.staticTrip === undefined) {
      return undefined;
    }

    const startDate = this.update.trip.startDate;
    const date: CalendarDate | undefined =
      startDate === undefined
        ? schedule.nearestServiceDay(
            this.staticTrip,
            this.update.timestampS === undefined ? referenceMs : this.update.timestampS * 1000,
          )
        : parseServiceDate(startDate);

    return date === undefined ? undefined : schedule.serviceDayStartMs(date);
  }
}
