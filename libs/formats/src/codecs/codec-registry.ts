import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { BoschParkingCodec } from './bosch-parking.codec';
import { CayenneLppCodec } from './cayenne-lpp.codec';
import { DecentlabDlPmCodec } from './decentlab-dl-pm.codec';
import { ElsysCodec } from './elsys.codec';
import { MilesightEm310UdlCodec } from './milesight-em310-udl.codec';
import { MilesightEm500Pt100Codec } from './milesight-em500-pt100.codec';
import { MilesightVs133Codec } from './milesight-vs133.codec';
import { NwaveCarCounterCodec } from './nwave-car-counter.codec';
import { NwaveParkingCodec } from './nwave-parking.codec';
import type { PayloadCodec } from './payload-codec';

/** Codecs are stateless, so one instance of each serves every device. */
const CODECS: ReadonlyMap<string, PayloadCodec> = new Map(
  [
    new BoschParkingCodec(),
    new NwaveParkingCodec(),
    new NwaveCarCounterCodec(),
    new MilesightEm310UdlCodec(),
    new DecentlabDlPmCodec(),
    new ElsysCodec(),
    new MilesightVs133Codec(),
    new MilesightEm500Pt100Codec(),
    new CayenneLppCodec(),
  ].map((codec): [string, PayloadCodec] => [codec.name, codec]),
);

/** Names of the LoRaWAN payload codecs, as a device type refers to them. */
export const CODEC_NAMES: readonly string[] = [...CODECS.keys()];

/**
 * Returns the payload codec named `name`.
 * Throws RejectionError(UNSUPPORTED_FORMAT) for a name that no codec has.
 */
export function codecFor(name: string): PayloadCodec {
  const codec = CODECS.get(name);
  if (codec === undefined) {
    throw new RejectionError(
      RejectionCode.UNSUPPORTED_FORMAT,
      `Unknown payload codec "${name}". Set the device type's codec to one of: ${CODEC_NAMES.join(', ')}.`,
      { details: { codec: name, knownCodecs: CODEC_NAMES } },
    );
  }

  return codec;
}
