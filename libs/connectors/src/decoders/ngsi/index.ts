import type { SourceDecoder } from '../source-decoder.interface';
import { NgsiLdDecoder } from './ngsi-ld.decoder';
import { NgsiV2Decoder } from './ngsi-v2.decoder';

export { NGSI_DEFAULT_ATTRIBUTES, UNIT_CODE_TO_UCUM } from './ngsi-attribute.table';
export { NGSI_OPTIONS } from './ngsi-entity.mapper';
export { NgsiLdDecoder } from './ngsi-ld.decoder';
export { NgsiV2Decoder } from './ngsi-v2.decoder';

/** Decoders of FIWARE context broker entities (NGSI-LD and NGSI v2). */
export const NGSI_DECODERS: readonly SourceDecoder[] = [new NgsiLdDecoder(), new NgsiV2Decoder()];
