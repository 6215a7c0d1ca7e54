import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseJsonInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';
import { readFeedMessageJson } from './gtfs-realtime-json.reader';
import { readFeedMessageProtobuf } from './gtfs-realtime-protobuf.reader';
import type { RtFeed } from './gtfs-realtime.model';
import { loadGtfsSchedule } from './gtfs-schedule.loader';
import { PunctualityRecorder } from './punctuality.recorder';
import { recordTripUpdateDelays } from './trip-update.delays';

const FORMAT = 'GTFS Realtime';
const JSON_START_BYTES: ReadonlySet<number> = new Set([0x7b, 0x5b, 0xef, 0x20, 0x09, 0x0d]);
const LINE_FEED = 0x0a;

export const staticFeedOption = z
  .string()
  .min(1)
  .optional()
  .describe('Folder of the unzipped GTFS Schedule feed that the realtime feed refers to.');

const optionsSchema = z
  .object({
    encoding: z
      .enum(['protobuf', 'json'])
      .optional()
      .describe('Encoding of the feed; without it the first byte decides ({ or [ means JSON).'),
    staticFeed: staticFeedOption,
  })
  .strict();

/**
 * Decodes GTFS Realtime TripUpdates into punctuality records: arrival_delay and
 * departure_delay in seconds (unit s) per stop event, keyed `<route_id>/<stop_id>` at the
 * event's scheduled time (PunctualityRecorder gives the reasons). Reads the protobuf
 * FeedMessage by hand (readFeedMessageProtobuf) or its JSON form, including a bare
 * TripUpdate object. With option staticFeed it names and places the features from the GTFS
 * feed and computes delays that the update gives only as times (recordTripUpdateDelays).
 * VehiclePositions and Alerts in the same feed are not read; entities with is_deleted count
 * as missing.
 */
export class GtfsRtTripUpdatesDecoder implements SourceDecoder {
  readonly name = 'gtfs-rt-trip-updates';
  readonly description =
    'GTFS Realtime TripUpdates (protobuf or JSON): arrival and departure delays per line and stop.';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const schedule =
      options.staticFeed === undefined ? undefined : loadGtfsSchedule(options.staticFeed, this.name);
    if (input.length === 0) {
      throw new RejectionError(
        RejectionCode.MALFORMED_PAYLOAD,
        'The GTFS Realtime input is empty; check the feed URL.',
      );
    }

    const result = new SourceResultCollector();
    const encoding = options.encoding ?? detectEncoding(input);
    const feed: RtFeed =
      encoding === 'json'
        ? readFeedMessageJson(parseJsonInput(input, `${FORMAT} JSON`), result)
        : readFeedMessageProtobuf(input);
    result.countMissing(feed.deletedEntities);

    const recorder = new PunctualityRecorder(result, ctx.nowMs, schedule);
    const referenceMs = feed.timestampS === undefined ? ctx.nowMs : feed.timestampS * 1000;
    for (const update of feed.tripUpdates) {
      recordTripUpdateDelays(update, { result, recorder, schedule, referenceMs });
    }

    return result.build();
  }
}

/**
 * JSON when the input starts with `{`, `[`, a byte order mark or white space. A protobuf
 * FeedMessage starts with 0x0a (its header), which is also a line feed, so an input starting
 * with 0x0a counts as JSON only when it parses as JSON.
 */
function detectEncoding(input: Uint8Array): 'protobuf' | 'json' {
  if (JSON_START_BYTES.has(input[0])) {
    return 'json';
  }
  if (input[0] !== LINE_FEED) {
    return 'protobuf';
  }

  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(input));

    return 'json';
  } catch {
    return 'protobuf';
  }
}
