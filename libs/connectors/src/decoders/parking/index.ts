import type { SourceDecoder } from '../source-decoder.interface';
import { Datex2ParkingDecoder } from './datex2-parking.decoder';
import { ParkingArchiveCsvDecoder } from './parking-archive-csv.decoder';
import { ParkingGeoJsonDecoder } from './parking-geojson.decoder';
import { ParkingJsonDecoder } from './parking-json.decoder';

export { DATEX2_PARKING_OPTIONS, Datex2ParkingDecoder } from './datex2-parking.decoder';
export { PARKING_ARCHIVE_CSV_OPTIONS, ParkingArchiveCsvDecoder } from './parking-archive-csv.decoder';
export { PARKING_GEOJSON_OPTIONS, ParkingGeoJsonDecoder } from './parking-geojson.decoder';
export { ParkingJsonDecoder } from './parking-json.decoder';

/** Decoders of parking occupancy sources: DATEX II, GeoJSON, sensor JSON and archive CSV. */
export const PARKING_DECODERS: readonly SourceDecoder[] = [
  new Datex2ParkingDecoder(),
  new ParkingGeoJsonDecoder(),
  new ParkingJsonDecoder(),
  new ParkingArchiveCsvDecoder(),
];
