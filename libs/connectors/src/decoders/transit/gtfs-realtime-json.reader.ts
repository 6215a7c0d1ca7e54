import { RejectionCode } from '@stadtdaten/contracts';
import { unsupportedInput } from '../common/source-input.reader';
import type { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject } from '../common/source-value.parser';
import {
  childPosition,
  type RtFeed,
  type RtStopTimeEvent,
  type RtStopTimeUpdate,
  type RtTripDescriptor,
  type RtTripUpdate,
  StopRelationship,
  TripRelationship,
} from './gtfs-realtime.model';

const FORMAT = 'GTFS Realtime JSON';
const WHOLE_NUMBER = /^-?\d+$/;

/**
 * Reads a GTFS Realtime FeedMessage in its JSON form, or a single TripUpdate object as some
 * producers and test fixtures write it. Members may use the protobuf field names
 * (stop_time_update) or the proto3 JSON names (stopTimeUpdate). 64-bit numbers may be
 * strings, and enums may be numbers or names (CANCELED). An unreadable member becomes a problem
 * in `result` and drops the element it belongs to. Throws RejectionError UNSUPPORTED_FORMAT
 * for JSON that is neither.
 */
export function readFeedMessageJson(root: unknown, result: SourceResultCollector): RtFeed {
  const reader = new JsonFeedReader(result);
  if (isJsonObject(root) && (Array.isArray(member(root, 'entity')) || isJsonObject(member(root, 'header')))) {
    return reader.readFeedMessage(root);
  }
  if (
    isJsonObject(root) &&
    (isJsonObject(member(root, 'trip')) || Array.isArray(member(root, 'stop_time_update')))
  ) {
    const tripUpdate = reader.readTripUpdate(root, '');

    return { tripUpdates: tripUpdate === undefined ? [] : [tripUpdate], deletedEntities: 0 };
  }

  throw unsupportedInput(
    FORMAT,
    'is neither a FeedMessage (header, entity) nor a TripUpdate (trip, stop_time_update).',
  );
}

/** `obj.stop_time_update`, or `obj.stopTimeUpdate` as proto3 JSON names it. */
function member(obj: JsonObject, snakeName: string): unknown {
  const camelName = snakeName.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

  return obj[snakeName] ?? obj[camelName];
}

/** Marks a member that was present but unreadable; its problem is already recorded. */
const INVALID = Symbol('invalid');

class JsonFeedReader {
  constructor(private readonly result: SourceResultCollector) {}

  readFeedMessage(root: JsonObject): RtFeed {
    const header = member(root, 'header');
    const timestampS = isJsonObject(header) ? this.integer(header, 'timestamp', 'header') : undefined;
    const feed: RtFeed = { tripUpdates: [], deletedEntities: 0 };
    if (timestampS !== INVALID && timestampS !== undefined) {
      feed.timestampS = timestampS;
    }

    const entities = member(root, 'entity');
    (Array.isArray(entities) ? entities : []).forEach((entity: unknown, index) => {
      const position = `entity[${index}]`;
      if (!isJsonObject(entity)) {
        this.result.reject(RejectionCode.INVALID_PAYLOAD, 'The entity is not an object.', position, entity);
      } else if (member(entity, 'is_deleted') === true) {
        feed.deletedEntities += 1;
      } else if (isJsonObject(member(entity, 'trip_update'))) {
        const tripUpdate = this.readTripUpdate(
          member(entity, 'trip_update') as JsonObject,
          `${position}.trip_update`,
        );
        if (tripUpdate !== undefined) {
          feed.tripUpdates.push(tripUpdate);
        }
      }
    });

    return feed;
  }

  readTripUpdate(obj: JsonObject, position: string): RtTripUpdate | undefined {
    const trip = this.readTripDescriptor(member(obj, 'trip'), childPosition(position, 'trip'));
    const timestampS = this.integer(obj, 'timestamp', position);
    if (trip === undefined || timestampS === INVALID) {
      return undefined;
    }

    const updates = member(obj, 'stop_time_update');
    const stopTimeUpdates: RtStopTimeUpdate[] = [];
    (Array.isArray(updates) ? updates : []).forEach((update: unknown, index) => {
      const stopTimeUpdate = this.readStopTimeUpdate(
        update,
        childPosition(position, `stop_time_update[${index}]`),
      );
      if (stopTimeUpdate !== undefined) {
        stopTimeUpdates.push(stopTimeUpdate);
      }
    });

    return { trip, stopTimeUpdates, position, ...(timestampS === undefined ? {} : { timestampS }) };
  }

  private readTripDescriptor(value: unknown, position: string): RtTripDescriptor | undefined {
    if (!isJsonObject(value)) {
      this.result.reject(
        RejectionCode.INVALID_PAYLOAD,
        'The trip update has no trip descriptor.',
        position,
        value,
      );

      return undefined;
    }

    const directionId = this.integer(value, 'direction_id', position);
    const relationship = this.enumValue(value, 'schedule_relationship', TripRelationship, position);
    if (directionId === INVALID || relationship === INVALID) {
      return undefined;
    }

    return {
      ...this.text(value, 'trip_id', 'tripId'),
      ...this.text(value, 'route_id', 'routeId'),
      ...this.text(value, 'start_date', 'startDate'),
      ...(directionId === undefined ? {} : { directionId }),
      scheduleRelationship: relationship ?? TripRelationship.SCHEDULED,
    };
  }

  private readStopTimeUpdate(value: unknown, position: string): RtStopTimeUpdate | undefined {
    if (!isJsonObject(value)) {
      this.result.reject(
        RejectionCode.INVALID_PAYLOAD,
        'The stop_time_update is not an object.',
        position,
        value,
      );

      return undefined;
    }

    const stopSequence = this.integer(value, 'stop_sequence', position);
    const relationship = this.enumValue(value, 'schedule_relationship', StopRelationship, position);
    const arrival = this.readStopTimeEvent(member(value, 'arrival'), childPosition(position, 'arrival'));
    const departure = this.readStopTimeEvent(
      member(value, 'departure'),
      childPosition(position, 'departure'),
    );
    if ([stopSequence, relationship, arrival, departure].includes(INVALID)) {
      return undefined;
    }

    return {
      ...(stopSequence === undefined ? {} : { stopSequence: stopSequence as number }),
      ...this.text(value, 'stop_id', 'stopId'),
      ...(arrival === undefined ? {} : { arrival: arrival as RtStopTimeEvent }),
      ...(departure === undefined ? {} : { departure: departure as RtStopTimeEvent }),
      scheduleRelationship: (relationship as number | undefined) ?? StopRelationship.SCHEDULED,
      position,
    };
  }

  private readStopTimeEvent(value: unknown, position: string): RtStopTimeEvent | typeof INVALID | undefined {
    if (value === undefined || value === null) {
      return undefined;
    }
    if (!isJsonObject(value)) {
      this.result.reject(
        RejectionCode.INVALID_PAYLOAD,
        'The stop time event is not an object.',
        position,
        value,
      );

      return INVALID;
    }

    const delayS = this.integer(value, 'delay', position);
    const timeS = this.integer(value, 'time', position);
    const scheduledTimeS = this.integer(value, 'scheduled_time', position);
    if (delayS === INVALID || timeS === INVALID || scheduledTimeS === INVALID) {
      return INVALID;
    }

    return {
      position,
      ...(delayS === undefined ? {} : { delayS }),
      ...(timeS === undefined ? {} : { timeS }),
      ...(scheduledTimeS === undefined ? {} : { scheduledTimeS }),
    };
  }

  /** Reads a whole number, also from a string as proto3 JSON writes 64-bit numbers. null counts as absent. */
  private integer(obj: JsonObject, name: string, position: string): number | typeof INVALID | undefined {
    const value = member(obj, name);
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      return value;
    }
    if (typeof value === 'string' && WHOLE_NUMBER.test(value)) {
      return Number(value);
    }
    this.result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `${name} ${JSON.stringify(value)} is not a whole number; the element is not read.`,
      childPosition(position, name),
      value,
    );

    return INVALID;
  }

  private enumValue(
    obj: JsonObject,
    name: string,
    values: Readonly<Record<string, number>>,
    position: string,
  ): number | typeof INVALID | undefined {
    const value = member(obj, name);
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value === 'number' && Object.values(values).includes(value)) {
      return value;
    }
    if (typeof value === 'string' && value in values) {
      return values[value];
    }
    this.result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `${name} ${JSON.stringify(value)} is none of ${Object.keys(values).join(', ')}; the element is not read.`,
      childPosition(position, name),
      value,
    );

    return INVALID;
  }

  /** `{ [key]: text }` for a non-empty string member, else `{}`. */
  private text<Key extends string>(obj: JsonObject, name: string, key: Key): Partial<Record<Key, string>> {
    const value = member(obj, name);

    return typeof value === 'string' && value !== ''
      ? ({ [key]: value } as Partial<Record<Key, string>>)
      : {};
  }
}
