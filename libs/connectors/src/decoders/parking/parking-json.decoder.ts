import { RejectionCode } from '@stadtdaten/contracts';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject, parseSourceTime } from '../common/source-value.parser';
import type {
  SourceDecodeContext,
  SourceDecoder,
  SourceDecodeResult,
  SourceFeature,
} from '../source-decoder.interface';

const NAME = 'parking-json';

/**
 * JSON array of single-space occupancy sensor messages, as the Ulm "E-Quartiershubs" sensors
 * publish them: `{ id, timestamp, occupied, packettype, parkingtype, location }`. Each space id
 * becomes a feature (parking_type in its properties) and each message an `occupied` record
 * (boolean) at its timestamp.
 *
 * `packettype` Status (a change) and Heartbeat (a periodic repeat) carry the same state, so
 * both give a record. The feed keeps the last message of a sensor that stopped reporting, and
 * its record keeps that time, so a stale state shows as an old observation and is never re-dated.
 */
export class ParkingJsonDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description = 'JSON array of parking-space sensor messages (occupied per space)';

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const messages = parseJsonInput(input, NAME);
    if (!Array.isArray(messages)) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is not a JSON array of sensor messages; check the source URL.`,
      );
    }

    const collector = new SourceResultCollector();
    messages.forEach((message, index) => {
      const position = `[${index}]`;
      if (!isJsonObject(message)) {
        collector.reject(RejectionCode.INVALID_PAYLOAD, 'The entry is not a JSON object.', position, message);

        return;
      }
      decodeMessage(message, position, ctx, collector);
    });

    return collector.build();
  }
}

function decodeMessage(
  message: JsonObject,
  position: string,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): void {
  const key = message.id;
  if (typeof key !== 'string' || key === '') {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      "The message has no string 'id' of its parking space.",
      `${position}.id`,
      key ?? null,
    );

    return;
  }

  const space: SourceFeature = { key };
  if (typeof message.parkingtype === 'string') {
    space.properties = { parking_type: message.parkingtype };
  }
  collector.addFeature(space);

  if (message.occupied === null) {
    collector.countMissing();

    return;
  }
  if (typeof message.occupied !== 'boolean') {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `'occupied' must be true or false, got ${JSON.stringify(message.occupied) ?? 'nothing'}.`,
      `${position}.occupied`,
      message.occupied ?? null,
    );

    return;
  }

  const timeMs = collector.attempt(`${position}.timestamp`, message.timestamp ?? null, () =>
    parseSourceTime(message.timestamp, ctx, 'timestamp'),
  );
  if (timeMs === undefined) {
    return;
  }
  collector.addRecord({
    featureKey: key,
    field: 'occupied',
    value: message.occupied,
    timeMs,
    position: `${position}.occupied`,
  });
}
