import type { SourceDecoder } from './source-decoder.interface';

/** Every source decoder that connectors can name, by name. */
export const SOURCE_DECODERS: readonly SourceDecoder[] = [];
