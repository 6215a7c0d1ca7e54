import type { SourceDecoder } from '../source-decoder.interface';
import { GtfsRtTripUpdatesDecoder } from './gtfs-rt-trip-updates.decoder';
import { GtfsStaticDecoder } from './gtfs-static.decoder';
import { Vdv454TripsDecoder } from './vdv454-trips.decoder';

export { GtfsRtTripUpdatesDecoder, GtfsStaticDecoder, Vdv454TripsDecoder };

/** Decoders of public transport: GTFS stops, GTFS-RT trip updates and VDV 454 trips. */
export const TRANSIT_DECODERS: readonly SourceDecoder[] = [
  new GtfsStaticDecoder(),
  new GtfsRtTripUpdatesDecoder(),
  new Vdv454TripsDecoder(),
];
