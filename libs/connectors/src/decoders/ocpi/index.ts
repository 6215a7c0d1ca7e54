import type { SourceDecoder } from '../source-decoder.interface';
import { BnetzaChargingRegisterDecoder } from './bnetza-charging-register.decoder';
import { OcpiEvseStatusDecoder } from './ocpi-evse-status.decoder';
import { OcpiLocationsDecoder } from './ocpi-locations.decoder';

export {
  BNETZA_CHARGING_REGISTER_OPTIONS,
  BnetzaChargingRegisterDecoder,
} from './bnetza-charging-register.decoder';
export { OcpiEvseStatusDecoder } from './ocpi-evse-status.decoder';
export { OCPI_LOCATIONS_OPTIONS, OcpiLocationsDecoder } from './ocpi-locations.decoder';
export { OCPI_EVSE_STATUSES } from './ocpi-status.reader';

/** Decoders of EV charging sources: OCPI 2.2 locations and EVSE patches, and the BNetzA charging register. */
export const OCPI_DECODERS: readonly SourceDecoder[] = [
  new OcpiLocationsDecoder(),
  new OcpiEvseStatusDecoder(),
  new BnetzaChargingRegisterDecoder(),
];
