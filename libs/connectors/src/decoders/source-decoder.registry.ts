import { COUNTS_DECODERS } from './counts';
import { FEDERAL_DECODERS } from './federal';
import { NGSI_DECODERS } from './ngsi';
import { OCPI_DECODERS } from './ocpi';
import { PARKING_DECODERS } from './parking';
import { SENSORTHINGS_DECODERS } from './sensorthings';
import type { SourceDecoder } from './source-decoder.interface';
import { TRANSIT_DECODERS } from './transit';

/** Every source decoder that connectors can name. */
export const SOURCE_DECODERS: readonly SourceDecoder[] = [
  ...PARKING_DECODERS,
  ...NGSI_DECODERS,
  ...SENSORTHINGS_DECODERS,
  ...OCPI_DECODERS,
  ...TRANSIT_DECODERS,
  ...FEDERAL_DECODERS,
  ...COUNTS_DECODERS,
];
