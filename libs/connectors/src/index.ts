export type {
  SourceDecodeContext,
  SourceDecodeResult,
  SourceDecoder,
  SourceFeature,
  SourceGeometry,
  SourceRecord,
} from './decoders/source-decoder.interface';
