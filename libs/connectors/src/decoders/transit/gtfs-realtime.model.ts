/**
 * The parts of a GTFS Realtime FeedMessage that the trip-update decoder reads, the same for
 * the protobuf and the JSON encoding. Field numbers and enum values follow gtfs-realtime.proto
 * (transit_realtime, proto2). Each element carries its position in the input as the path of
 * protobuf field names, e.g. `entity[0].trip_update.stop_time_update[3].arrival`.
 */

/** TripDescriptor.ScheduleRelationship. */
export const TripRelationship = {
  SCHEDULED: 0,
  ADDED: 1,
  UNSCHEDULED: 2,
  CANCELED: 3,
  REPLACEMENT: 5,
  DUPLICATED: 6,
  DELETED: 7,
  NEW: 8,
} as const;

/** TripUpdate.StopTimeUpdate.ScheduleRelationship. */
export const StopRelationship = {
  SCHEDULED: 0,
  SKIPPED: 1,
  NO_DATA: 2,
  UNSCHEDULED: 3,
} as const;

/** TripUpdate.StopTimeEvent: delay in s, time and scheduled_time in Unix seconds. */
export interface RtStopTimeEvent {
  delayS?: number;
  timeS?: number;
  scheduledTimeS?: number;
  position: string;
}

export interface RtStopTimeUpdate {
  stopSequence?: number;
  stopId?: string;
  arrival?: RtStopTimeEvent;
  departure?: RtStopTimeEvent;
  scheduleRelationship: number;
  position: string;
}

export interface RtTripDescriptor {
  tripId?: string;
  routeId?: string;
  directionId?: number;
  /** YYYYMMDD. */
  startDate?: string;
  scheduleRelationship: number;
}

export interface RtTripUpdate {
  trip: RtTripDescriptor;
  stopTimeUpdates: RtStopTimeUpdate[];
  /** TripUpdate.timestamp in Unix seconds. */
  timestampS?: number;
  position: string;
}

export interface RtFeed {
  /** FeedHeader.timestamp in Unix seconds. */
  timestampS?: number;
  tripUpdates: RtTripUpdate[];
  /** Entities with is_deleted set: the producer withdrew them, so they carry no values. */
  deletedEntities: number;
}

/** `parent.child`, or `child` at the root. */
export function childPosition(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}
