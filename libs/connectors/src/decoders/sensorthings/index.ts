import type { SourceDecoder } from '../source-decoder.interface';
import { SensorThingsObservationsDecoder } from './sensorthings-observations.decoder';

export { SENSORTHINGS_OPTIONS, SensorThingsObservationsDecoder } from './sensorthings-observations.decoder';

/** Decoders of OGC SensorThings API servers (FROST and others). */
export const SENSORTHINGS_DECODERS: readonly SourceDecoder[] = [new SensorThingsObservationsDecoder()];
