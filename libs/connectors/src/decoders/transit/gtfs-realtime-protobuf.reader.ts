import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import {
  childPosition,
  type RtFeed,
  type RtStopTimeEvent,
  type RtStopTimeUpdate,
  type RtTripDescriptor,
  type RtTripUpdate,
} from './gtfs-realtime.model';

/** Handles one field of a message; returns false to skip it as an unknown field. */
type FieldHandler = (fieldNo: number, wireType: WireType, reader: BinaryReader) => boolean;

/**
 * Reads a protobuf-encoded GTFS Realtime FeedMessage by hand with BinaryReader, using the
 * field numbers of gtfs-realtime.proto: FeedMessage header=1 entity=2; FeedHeader
 * timestamp=3; FeedEntity id=1 is_deleted=2 trip_update=3; TripUpdate trip=1
 * stop_time_update=2 timestamp=4; TripDescriptor trip_id=1 start_date=3
 * schedule_relationship=4 route_id=5 direction_id=6; StopTimeUpdate stop_sequence=1
 * arrival=2 departure=3 stop_id=4 schedule_relationship=5; StopTimeEvent delay=1 time=2
 * scheduled_time=4. Other fields and extensions are skipped. Throws RejectionError
 * MALFORMED_PAYLOAD for bytes that are no such message.
 */
export function readFeedMessageProtobuf(input: Uint8Array): RtFeed {
  const feed: RtFeed = { tripUpdates: [], deletedEntities: 0 };
  let entityIndex = 0;
  try {
    readMessage(input, (fieldNo, wireType, reader) => {
      if (fieldNo === 1 && wireType === WireType.LengthDelimited) {
        feed.timestampS = readHeaderTimestamp(reader.bytes());

        return true;
      }
      if (fieldNo === 2 && wireType === WireType.LengthDelimited) {
        readEntity(reader.bytes(), `entity[${entityIndex}]`, feed);
        entityIndex += 1;

        return true;
      }

      return false;
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The GTFS Realtime input is not a valid protobuf FeedMessage (${reason}); check the feed URL, or set options.encoding to json for JSON feeds.`,
      { cause, details: { inputLength: input.length } },
    );
  }

  return feed;
}

function readMessage(bytes: Uint8Array, handle: FieldHandler): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (!handle(fieldNo, wireType, reader)) {
      reader.skip(wireType, fieldNo);
    }
  }
}

function readHeaderTimestamp(bytes: Uint8Array): number | undefined {
  let timestampS: number | undefined;
  readMessage(bytes, (fieldNo, wireType, reader) => {
    if (fieldNo === 3 && wireType === WireType.Varint) {
      timestampS = Number(reader.uint64());

      return true;
    }

    return false;
  });

  return timestampS;
}

function readEntity(bytes: Uint8Array, position: string, feed: RtFeed): void {
  let deleted = false;
  let tripUpdate: RtTripUpdate | undefined;
  readMessage(bytes, (fieldNo, wireType, reader) => {
    if (fieldNo === 2 && wireType === WireType.Varint) {
      deleted = reader.bool();

      return true;
    }
    if (fieldNo === 3 && wireType === WireType.LengthDelimited) {
      tripUpdate = readTripUpdate(reader.bytes(), childPosition(position, 'trip_update'));

      return true;
    }

    return false;
  });

  if (deleted) {
    feed.deletedEntities += 1;
  } else if (tripUpdate !== undefined) {
    feed.tripUpdates.push(tripUpdate);
  }
}

function readTripUpdate(bytes: Uint8Array, position: string): RtTripUpdate {
  const update: RtTripUpdate = { trip: { scheduleRelationship: 0 }, stopTimeUpdates: [], position };
  readMessage(bytes, (fieldNo, wireType, reader) => {
    if (fieldNo === 1 && wireType === WireType.LengthDelimited) {
      update.trip = readTripDescriptor(reader.bytes());

      return true;
    }
    if (fieldNo === 2 && wireType === WireType.LengthDelimited) {
      const stopPosition = childPosition(position, `stop_time_update[${update.stopTimeUpdates.length}]`);
      update.stopTimeUpdates.push(readStopTimeUpdate(reader.bytes(), stopPosition));

      return true;
    }
    if (fieldNo === 4 && wireType === WireType.Varint) {
      update.timestampS = Number(reader.uint64());

      return true;
    }

    return false;
  });

  return update;
}

function readTripDescriptor(bytes: Uint8Array): RtTripDescriptor {
  const trip: RtTripDescriptor = { scheduleRelationship: 0 };
  readMessage(bytes, (fieldNo, wireType, reader) => {
    if (wireType === WireType.LengthDelimited && (fieldNo === 1 || fieldNo === 3 || fieldNo === 5)) {
      const text = reader.string();
      if (fieldNo === 1) {
        trip.tripId = text;
      } else if (fieldNo === 3) {
        trip.startDate = text;
      } else {
        trip.routeId = text;
      }

      return true;
    }
    if (wireType === WireType.Varint && (fieldNo === 4 || fieldNo === 6)) {
      const value = reader.int32();
      if (fieldNo === 4) {
        trip.scheduleRelationship = value;
      } else {
        trip.directionId = value;
      }

      return true;
    }

    return false;
  });

  return trip;
}

function readStopTimeUpdate(bytes: Uint8Array, position: string): RtStopTimeUpdate {
  const update: RtStopTimeUpdate = { scheduleRelationship: 0, position };
  readMessage(bytes, (fieldNo, wireType, reader) => {
    if (fieldNo === 1 && wireType === WireType.Varint) {
      update.stopSequence = reader.uint32();
    } else if (fieldNo === 2 && wireType === WireType.LengthDelimited) {
      update.arrival = readStopTimeEvent(reader.bytes(), childPosition(position, 'arrival'));
    } else if (fieldNo === 3 && wireType === WireType.LengthDelimited) {
      update.departure = readStopTimeEvent(reader.bytes(), childPosition(position, 'departure'));
    } else if (fieldNo === 4 && wireType === WireType.LengthDelimited) {
      update.stopId = reader.string();
    } else if (fieldNo === 5 && wireType === WireType.Varint) {
      update.scheduleRelationship = reader.int32();
    } else {
      return false;
    }

    return true;
  });

  return update;
}

function readStopTimeEvent(bytes: Uint8Array, position: string): RtStopTimeEvent {
  const event: RtStopTimeEvent = { position };
  readMessage(bytes, (fieldNo, wireType, reader) => {
    if (wireType !== WireType.Varint) {
      return false;
    }
    if (fieldNo === 1) {
      event.delayS = reader.int32();
    } else if (fieldNo === 2) {
      event.timeS = Number(reader.int64());
    } else if (fieldNo === 4) {
      event.scheduledTimeS = Number(reader.int64());
    } else {
      return false;
    }

    return true;
  });

  return event;
}
