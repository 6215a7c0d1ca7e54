import { decodeMilesightPayload, type MilesightChannel } from './milesight-channels';
import type { PayloadCodec } from './payload-codec';
import { assignOnce, type PayloadReader } from './payload-reader';

const CODEC_NAME = 'milesight-em500-pt100';

const TEMPERATURE_ALARMS: Readonly<Record<number, string>> = {
  0: 'threshold_alarm',
  1: 'threshold_alarm_release',
  2: 'mutation_alarm',
};

/** Temperature in °C, sent as a signed little-endian count of 0.1 °C. */
function readTemperature(reader: PayloadReader, field: string): number {
  return reader.int16le(field) / 10;
}

/**
 * Telemetry of the EM500-PT100 per Milesight's payload table (SensorDecoders repository,
 * em-series/em500-pt100): battery level in %, temperature, temperature alarm (temperature, change
 * since the last report, alarm kind) and stored history records (Unix time in s, temperature).
 */
const TELEMETRY: readonly MilesightChannel[] = [
  {
    channel: 0x01,
    type: 0x75,
    description: 'battery level',
    read: (reader, fields, at) => assignOnce(fields, 'battery', reader.uint8('battery level'), reader, at),
  },
  {
    channel: 0x03,
    type: 0x67,
    description: 'temperature',
    read: (reader, fields, at) =>
      assignOnce(fields, 'temperature', readTemperature(reader, 'temperature'), reader, at),
  },
  {
    channel: 0x83,
    type: 0xd7,
    description: 'temperature alarm',
    read: (reader, fields, at) => {
      const temperature = readTemperature(reader, 'alarm temperature');
      const change = readTemperature(reader, 'temperature change');
      const alarmOffset = reader.offset;
      const alarmCode = reader.uint8('temperature alarm');
      const alarm = TEMPERATURE_ALARMS[alarmCode];
      if (alarm === undefined) {
        throw reader.fail(`temperature alarm ${alarmCode} is not defined (known: 0..2)`, alarmOffset);
      }
      assignOnce(fields, 'temperature', temperature, reader, at);
      assignOnce(fields, 'temperature_change', change, reader, at);
      assignOnce(fields, 'temperature_alarm', alarm, reader, at);
    },
  },
  {
    channel: 0x20,
    type: 0xce,
    description: 'history record',
    read: (reader, fields) => {
      const timestamp = reader.uint32le('history timestamp');
      const temperature = readTemperature(reader, 'history temperature');
      const history = (fields.history as { timestamp: number; temperature: number }[] | undefined) ?? [];
      history.push({ timestamp, temperature });
      fields.history = history;
    },
  },
];

/** Milesight EM500-PT100 temperature probe (for example water temperature). */
export class MilesightEm500Pt100Codec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    return decodeMilesightPayload(CODEC_NAME, bytes, fPort, TELEMETRY);
  }
}
