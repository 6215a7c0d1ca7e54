import { decoderFor, type DecodedReading } from '@stadtdaten/formats';
import type { SampleInput } from '../sample-inputs';

/** SenML unit names the platform reads as the UCUM code of the datastream. */
const SENML_UNITS: Record<string, string> = { '%RH': '%' };

export interface DeviceType {
  codec?: string;
  fields: Map<string, string>;
}

export interface ExpectedReading {
  datastreamId: string;
  value: unknown;
  unit: string;
  /** UTC epoch ms, or undefined where the reading takes the receive time. */
  timeMs?: number;
  /** Values of earlier readings with the same datastream and time, which this one replaces. */
  replaced?: unknown[];
}

export interface Expectation {
  /** Readings sent (decoded entries and whole-payload failures). */
  sent: number;
  /** Last value per datastream and time: a later reading of the same key replaces an earlier one. */
  stored: Map<string, ExpectedReading>;
  untimed: ExpectedReading[];
  superseded: number;
  rejections: string[];
}

export function deviceTypesOf(catalog: any): Map<string, DeviceType> {
  const types = new Map<string, DeviceType>(
    catalog.deviceTypes.map((type: any) => [
      type.id,
      { codec: type.codec, fields: new Map(type.fields.map((field: any) => [field.field, field.unit])) },
    ]),
  );

  return new Map(catalog.devices.map((device: any) => [device.id, types.get(device.type)!]));
}

export function formatOf(topic: string): string {
  if (topic.startsWith('v3/')) {
    return 'ttn-v3';
  }
  if (topic.startsWith('application/')) {
    return 'chirpstack-v4';
  }

  return topic.split('/')[4];
}

/** Decodes every message as the platform should and sorts each reading into stored or rejected. */
export function predictOutcome(inputs: SampleInput[], devices: Map<string, DeviceType>): Expectation {
  const result: Expectation = { sent: 0, stored: new Map(), untimed: [], superseded: 0, rejections: [] };
  const receivedAtMs = Date.now();

  for (const input of inputs) {
    input.messages.forEach((message, index) => {
      const deviceId = input.deviceIds[index] ?? input.deviceIds[0];
      const type = devices.get(deviceId);
      let readings: DecodedReading[];
      try {
        const decoded = decoderFor(formatOf(message.topic)).decode(message.payload, {
          deviceId,
          receivedAtMs,
          codec: type?.codec,
          nowMs: receivedAtMs,
        });
        readings = decoded.readings;
        result.sent += decoded.rejections.length;
        result.rejections.push(...decoded.rejections.map((error) => error.code));
      } catch (error) {
        result.sent++;
        result.rejections.push((error as { code: string }).code);

        return;
      }
      for (const reading of readings) {
        result.sent++;
        sortReading(
          result,
          reading,
          devices.get(reading.deviceId),
          input.timed || reading.timeMs !== receivedAtMs,
        );
      }
    });
  }

  return result;
}

function sortReading(
  result: Expectation,
  reading: DecodedReading,
  type: DeviceType | undefined,
  timed: boolean,
) {
  const unit = type?.fields.get(reading.field);
  if (unit === undefined) {
    result.rejections.push('UNKNOWN_DATASTREAM');

    return;
  }
  if (reading.unit !== undefined && (SENML_UNITS[reading.unit] ?? reading.unit) !== unit) {
    result.rejections.push('UNIT_MISMATCH');

    return;
  }
  const expected: ExpectedReading = {
    datastreamId: `${reading.deviceId}.${reading.field}`,
    value: reading.value,
    unit,
    timeMs: timed ? reading.timeMs : undefined,
  };
  if (!timed) {
    result.untimed.push(expected);

    return;
  }
  const key = `${expected.datastreamId}@${reading.timeMs}`;
  const earlier = result.stored.get(key);
  if (earlier) {
    result.superseded++;
    expected.replaced = [...(earlier.replaced ?? []), earlier.value];
  }
  result.stored.set(key, expected);
}
