import { decodeMilesightPayload, type MilesightChannel } from './milesight-channels';
import type { PayloadCodec } from './payload-codec';
import { assignOnce } from './payload-reader';

const CODEC_NAME = 'milesight-vs133';

const LINE_COUNT = 4;
const REGION_COUNT = 4;

/**
 * Per counting line n (1..4), channels 3n, 3n+1 and 3n+2 carry the total count in, the total count
 * out (4 bytes each) and the in/out counts of the last period (2 bytes each).
 */
function lineChannels(line: number): MilesightChannel[] {
  const base = 3 * line;

  return [
    {
      channel: base,
      type: 0xd2,
      description: `line ${line} total in`,
      read: (reader, fields, at) =>
        assignOnce(fields, `line_${line}_total_in`, reader.uint32le('total in'), reader, at),
    },
    {
      channel: base + 1,
      type: 0xd2,
      description: `line ${line} total out`,
      read: (reader, fields, at) =>
        assignOnce(fields, `line_${line}_total_out`, reader.uint32le('total out'), reader, at),
    },
    {
      channel: base + 2,
      type: 0xcc,
      description: `line ${line} period in/out`,
      read: (reader, fields, at) => {
        assignOnce(fields, `line_${line}_period_in`, reader.uint16le('period in'), reader, at);
        assignOnce(fields, `line_${line}_period_out`, reader.uint16le('period out'), reader, at);
      },
    },
  ];
}

const REGION_CHANNELS: readonly MilesightChannel[] = [
  {
    channel: 0x0f,
    type: 0xe3,
    description: 'region count',
    read: (reader, fields, at) => {
      for (let region = 1; region <= REGION_COUNT; region++) {
        assignOnce(fields, `region_${region}_count`, reader.uint8(`region ${region} count`), reader, at);
      }
    },
  },
  {
    channel: 0x10,
    type: 0xe4,
    description: 'dwell time',
    // NOTE: Milesight's payload table gives no unit for the dwell times; they are passed on as sent.
    read: (reader, fields, at) => {
      const regionOffset = reader.offset;
      const region = reader.uint8('dwell region');
      if (region < 1 || region > REGION_COUNT) {
        throw reader.fail(
          `dwell time region ${region} is not defined (known: 1..${REGION_COUNT})`,
          regionOffset,
        );
      }
      assignOnce(fields, `region_${region}_avg_dwell`, reader.uint16le('average dwell time'), reader, at);
      assignOnce(fields, `region_${region}_max_dwell`, reader.uint16le('maximum dwell time'), reader, at);
    },
  },
];

/**
 * Telemetry of the VS133 per Milesight's payload table (SensorDecoders repository,
 * vs-series/vs133): line crossing counts for four lines, people per region and dwell times.
 */
const TELEMETRY: readonly MilesightChannel[] = [
  ...Array.from({ length: LINE_COUNT }, (_, index) => lineChannels(index + 1)).flat(),
  ...REGION_CHANNELS,
];

/** Milesight VS133 AI ToF people counter (visitor counts). */
export class MilesightVs133Codec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    return decodeMilesightPayload(CODEC_NAME, bytes, fPort, TELEMETRY);
  }
}
