import { DEFAULT_MAX_FUTURE_MS } from '@stadtdaten/formats';
import type { SourceResultCollector } from '../common/source-result.collector';
import type { SourceFeature } from '../source-decoder.interface';
import type { GtfsSchedule } from './gtfs-schedule';

/** Delay of one arrival or departure at one stop of one trip. */
export interface StopEventDelay {
  routeId: string;
  stopId: string;
  /** Line name for the feature name when no static feed names the route (VDV LinienText). */
  routeLabel?: string;
  field: 'arrival_delay' | 'departure_delay';
  /** Realised or forecast time minus scheduled time, in seconds; negative when early. */
  delayS: number;
  /** Scheduled time of the event, UTC epoch ms. */
  scheduledMs: number;
  position: string;
}

/**
 * Turns stop-event delays into features and records, the same for GTFS-RT and VDV 454.
 *
 * Feature key: `<route_id>/<stop_id>`, one datastream per line and stop. The record time is
 * the SCHEDULED time of the event. So every later forecast for the same event replaces the
 * earlier one (the platform keeps one value per datastream and time), and the last value
 * stored is the last forecast before the vehicle left. A key per stop alone would collide
 * whenever two lines are due at a stop in the same minute, and a key per route alone
 * whenever two trips of a line are due at different stops in the same minute; two trips of
 * one line are due at one stop at the same scheduled time only when a feed gives both
 * directions the same stop_id, or a trip serves a stop twice at the same minute (then the
 * later value replaces the earlier).
 *
 * Events scheduled more than DEFAULT_MAX_FUTURE_MS (5 minutes) after `nowMs` are counted as
 * deferred and emitted by a later run, because the validator rejects phenomenon times that
 * far ahead as FUTURE_TIMESTAMP.
 */
export class PunctualityRecorder {
  constructor(
    private readonly result: SourceResultCollector,
    private readonly nowMs: number,
    private readonly schedule?: GtfsSchedule,
  ) {}

  record(event: StopEventDelay): void {
    if (event.scheduledMs > this.nowMs + DEFAULT_MAX_FUTURE_MS) {
      this.result.countDeferred();
      return;
    }

    const featureKey = `${event.routeId}/${event.stopId}`;
    if (!this.result.hasFeature(featureKey)) {
      this.result.addFeature(this.feature(featureKey, event));
    }
    this.result.addRecord({
      featureKey,
      field: event.field,
      value: event.delayS,
      unit: 's',
      timeMs: event.scheduledMs,
      position: event.position,
    });
  }

  private feature(key: string, event: StopEventDelay): SourceFeature {
    const route = this.schedule?.routes.get(event.routeId);
    const stop = this.schedule?.stops.get(event.stopId);
    const routeName = route?.shortName ?? route?.longName ?? event.routeLabel ?? event.routeId;
    const stopName = stop?.name ?? event.stopId;

    return {
      key,
      name: `${routeName} – ${stopName}`,
      ...(stop?.geometry === undefined ? {} : { geometry: stop.geometry }),
      properties: { route_id: event.routeId, stop_id: event.stopId },
    };
  }
}
