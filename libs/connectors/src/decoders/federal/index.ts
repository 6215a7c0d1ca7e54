import type { SourceDecoder } from '../source-decoder.interface';
import { RkiIncidenceDecoder } from './rki-incidence.decoder';
import { RkiVaccinationDecoder } from './rki-vaccination.decoder';
import { SmardGenerationDecoder } from './smard-generation.decoder';
import { UbaAirDecoder } from './uba-air.decoder';

export { RkiIncidenceDecoder, RkiVaccinationDecoder, SmardGenerationDecoder, UbaAirDecoder };

/** Decoders of federal open data: UBA air quality, RKI COVID-19 figures, SMARD generation. */
export const FEDERAL_DECODERS: readonly SourceDecoder[] = [
  new UbaAirDecoder(),
  new RkiIncidenceDecoder(),
  new RkiVaccinationDecoder(),
  new SmardGenerationDecoder(),
];
