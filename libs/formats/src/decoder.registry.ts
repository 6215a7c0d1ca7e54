import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { ChirpStackV4Decoder } from './chirpstack-v4.decoder';
import { codecFor } from './codecs/codec-registry';
import { JsonDecoder } from './json.decoder';
import { LoriotDecoder } from './loriot.decoder';
import type { PayloadDecoder } from './payload-decoder.interface';
import { SenmlDecoder } from './senml.decoder';
import { SensorCommunityDecoder } from './sensor-community.decoder';
import { TtnV3Decoder } from './ttn-v3.decoder';

const DECODERS: readonly PayloadDecoder[] = [
  new JsonDecoder(),
  new SenmlDecoder(),
  new TtnV3Decoder(codecFor),
  new ChirpStackV4Decoder(codecFor),
  new SensorCommunityDecoder(),
  new LoriotDecoder(codecFor),
];

const DECODERS_BY_NAME = new Map(DECODERS.map((decoder) => [decoder.name, decoder]));

/** Names of the payload formats, the values of a device type's payloadFormat. */
export const FORMAT_NAMES: readonly string[] = DECODERS.map((decoder) => decoder.name);

/** Returns the decoder of a format; throws RejectionError UNSUPPORTED_FORMAT naming the known formats. */
export function decoderFor(name: string): PayloadDecoder {
  const decoder = DECODERS_BY_NAME.get(name);
  if (decoder === undefined) {
    throw new RejectionError(
      RejectionCode.UNSUPPORTED_FORMAT,
      `Unknown payload format '${name}'; use one of ${FORMAT_NAMES.join(', ')}.`,
      { details: { format: name, knownFormats: FORMAT_NAMES } },
    );
  }

  return decoder;
}

/**
 * Returns the format that a media type names, ignoring parameters and case, e.g.
 * application/senml+json -> senml. Returns undefined when no format or several formats
 * claim the type (application/json), so that the device type decides.
 */
export function formatForContentType(contentType: string): string | undefined {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const claiming = DECODERS.filter((decoder) => decoder.contentTypes.includes(mediaType));

  return claiming.length === 1 ? claiming[0].name : undefined;
}
