export { CODEC_NAMES } from './codecs/codec-registry';
export type { PayloadCodec } from './codecs/payload-codec';
export { decoderFor, FORMAT_NAMES, formatForContentType } from './decoder.registry';
export type {
  DecodeContext,
  DecodedReading,
  DecodeResult,
  PayloadDecoder,
} from './payload-decoder.interface';
export {
  parseSensorCommunityArchiveCsv,
  type SensorCommunityArchiveRow,
} from './sensor-community-archive.parser';
export {
  DEFAULT_MAX_FUTURE_MS,
  EPOCH_MS_THRESHOLD,
  MIN_TIMESTAMP_MS,
  parseTimestamp,
  type ParseTimestampOptions,
} from './timestamp.parser';
export { resolveLocalTime } from './local-time.resolver';
