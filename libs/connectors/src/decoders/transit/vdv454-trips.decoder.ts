import { RejectionCode } from '@stadtdaten/contracts';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseIsoInstant } from '../common/iso-instant.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject } from '../common/source-value.parser';
import { requireTimeZone } from '../common/wall-clock.parser';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';
import { childPosition } from './gtfs-realtime.model';
import { loadGtfsSchedule } from './gtfs-schedule.loader';
import { staticFeedOption } from './gtfs-rt-trip-updates.decoder';
import { PunctualityRecorder } from './punctuality.recorder';

const FORMAT = 'VDV 454 IstFahrt JSON';

/** Scheduled and forecast member of one stop event of an IstHalt. */
const EVENTS = [
  { field: 'arrival_delay', scheduled: 'Ankunftszeit', forecast: 'IstAnkunftPrognose' },
  { field: 'departure_delay', scheduled: 'Abfahrtszeit', forecast: 'IstAbfahrtPrognose' },
] as const;

const optionsSchema = z.object({ staticFeed: staticFeedOption }).strict();

interface TripContext {
  routeId: string;
  routeLabel?: string;
  zone: IANAZone;
  recorder: PunctualityRecorder;
  result: SourceResultCollector;
}

/**
 * Decodes VDV 454 AUS `IstFahrt` messages in JSON (one IstFahrt, an array of them, or an
 * object with an IstFahrt member) into the same punctuality records as gtfs-rt-trip-updates.
 * The fields are arrival_delay (IstAnkunftPrognose minus Ankunftszeit) and departure_delay
 * (IstAbfahrtPrognose minus Abfahrtszeit) in seconds at the scheduled time, keyed
 * `<LinienID>/<HaltID>`; PunctualityRecorder gives the reasons for that key. VDV ids differ
 * from GTFS ids (HaltID ODEG_900210771 is GTFS stop de:12063:900210771::1), so the keys differ
 * from the GTFS-RT decoder's. Option staticFeed names and places features whose ids match the
 * GTFS feed.
 *
 * Times are ISO 8601, usually with offset; without offset they are read in ctx.timeZone.
 * An event with a scheduled time but no forecast, a halt with Durchfahrt (the vehicle
 * passes without stopping) and a trip with FaelltAus (cancelled) count as missing. A
 * forecast without scheduled time is a problem.
 */
export class Vdv454TripsDecoder implements SourceDecoder {
  readonly name = 'vdv454-trips';
  readonly description = 'VDV 454 AUS IstFahrt (JSON): arrival and departure delays per line and stop.';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const schedule =
      options.staticFeed === undefined ? undefined : loadGtfsSchedule(options.staticFeed, this.name);
    const trips = listTrips(parseJsonInput(input, FORMAT));
    const result = new SourceResultCollector();
    const recorder = new PunctualityRecorder(result, ctx.nowMs, schedule);

    for (const { trip, position } of trips) {
      readTrip(trip, position, { zone, recorder, result });
    }

    return result.build();
  }
}

/** Lists the IstFahrt objects of the input with their positions. */
// NOTE: only the JSON form is read; VDV 454 XML (AUSNachricht) must be converted to it first.
function listTrips(root: unknown): { trip: unknown; position: string }[] {
  const container = isJsonObject(root) && 'IstFahrt' in root ? root.IstFahrt : root;
  if (Array.isArray(container)) {
    return container.map((trip: unknown, index) => ({ trip, position: `IstFahrt[${index}]` }));
  }
  if (isJsonObject(container) && (Array.isArray(container.IstHalts) || Array.isArray(container.IstHalt))) {
    return [{ trip: container, position: container === root ? '' : 'IstFahrt' }];
  }

  throw unsupportedInput(
    FORMAT,
    'is not an IstFahrt with IstHalts, an array of them or an object with member IstFahrt.',
  );
}

function readTrip(
  trip: unknown,
  position: string,
  shared: Omit<TripContext, 'routeId' | 'routeLabel'>,
): void {
  const { result } = shared;
  const routeId = readId(
    trip,
    'LinienID',
    position,
    'The IstFahrt has no LinienID, so its delays belong to no line.',
    result,
  );
  if (routeId === undefined || !isJsonObject(trip)) {
    return;
  }
  if (isTrue(trip.FaelltAus)) {
    result.countMissing();

    return;
  }

  const context: TripContext = {
    ...shared,
    routeId,
    ...(typeof trip.LinienText === 'string' && trip.LinienText !== '' ? { routeLabel: trip.LinienText } : {}),
  };
  const haltsName = Array.isArray(trip.IstHalts) ? 'IstHalts' : 'IstHalt';
  const halts: unknown[] = Array.isArray(trip[haltsName]) ? trip[haltsName] : [];
  halts.forEach((halt: unknown, index) => {
    readHalt(halt, childPosition(position, `${haltsName}[${index}]`), context);
  });
}

function readHalt(halt: unknown, position: string, context: TripContext): void {
  const { result } = context;
  const stopId = readId(
    halt,
    'HaltID',
    position,
    'The IstHalt has no HaltID, so its delays belong to no stop.',
    result,
  );
  if (stopId === undefined || !isJsonObject(halt)) {
    return;
  }
  if (isTrue(halt.Durchfahrt)) {
    result.countMissing();

    return;
  }

  for (const event of EVENTS) {
    readEvent(halt, position, event, stopId, context);
  }
}

function readEvent(
  halt: JsonObject,
  position: string,
  event: (typeof EVENTS)[number],
  stopId: string,
  context: TripContext,
): void {
  const scheduledText = halt[event.scheduled];
  const forecastText = halt[event.forecast];
  const hasScheduled = scheduledText !== undefined && scheduledText !== null;
  const hasForecast = forecastText !== undefined && forecastText !== null;
  if (!hasForecast) {
    if (hasScheduled) {
      context.result.countMissing();
    }

    return;
  }

  const forecastPosition = childPosition(position, event.forecast);
  if (!hasScheduled) {
    context.result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The IstHalt has ${event.forecast} but no ${event.scheduled}, so no delay can be computed.`,
      forecastPosition,
      forecastText,
    );

    return;
  }

  const scheduledMs = readTime(scheduledText, childPosition(position, event.scheduled), context);
  const forecastMs = readTime(forecastText, forecastPosition, context);
  if (scheduledMs !== undefined && forecastMs !== undefined) {
    context.recorder.record({
      routeId: context.routeId,
      stopId,
      ...(context.routeLabel === undefined ? {} : { routeLabel: context.routeLabel }),
      field: event.field,
      delayS: (forecastMs - scheduledMs) / 1000,
      scheduledMs,
      position: forecastPosition,
    });
  }
}

function readTime(value: unknown, position: string, context: TripContext): number | undefined {
  const timeMs = typeof value === 'string' ? parseIsoInstant(value, context.zone) : undefined;
  if (timeMs === undefined) {
    context.result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      `The time ${JSON.stringify(value)} is not an ISO 8601 time like 2024-06-27T13:18:00+02:00.`,
      position,
      value,
    );
  }

  return timeMs;
}

/** Reads the non-empty text member `name` of `value`. Without it, records `message` as a problem and returns undefined. */
function readId(
  value: unknown,
  name: string,
  position: string,
  message: string,
  result: SourceResultCollector,
): string | undefined {
  const id = isJsonObject(value) ? value[name] : undefined;
  if (typeof id === 'string' && id !== '') {
    return id;
  }

  result.reject(RejectionCode.INVALID_PAYLOAD, message, childPosition(position, name), id ?? value);

  return undefined;
}

/** VDV booleans arrive as true or as the text "true". */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
