import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonBytes, makeDecodeContext, rejectionOf, textBytes } from '../test/fixtures';
import { ChirpStackV4Decoder } from './chirpstack-v4.decoder';
import { codecFor } from './codecs/codec-registry';

/** Clock after every sample time, so that no sample time lies in the future. */
const NOW_MS = Date.UTC(2026, 0, 1);

function makeV4Event(overrides: Record<string, unknown> = {}) {
  return {
    time: '2024-05-01T11:59:00.404859+00:00',
    deviceInfo: { devEui: '70b3d57ed0000001', deviceName: 'sensor' },
    fPort: 1,
    data: 'AWcA6w==',
    ...overrides,
  };
}

function makeV3Event(overrides: Record<string, unknown> = {}) {
  return {
    devEUI: 'cLPVftAAAAE=',
    rxInfo: [{ rssi: -48 }, { time: '2024-05-01T11:58:30.5Z' }],
    fPort: 1,
    data: 'AWcA6w==',
    objectJSON: '{"temperature":25}',
    ...overrides,
  };
}

describe(ChirpStackV4Decoder.name, () => {
  const sut = new ChirpStackV4Decoder(codecFor);
  const ctx = makeDecodeContext({ deviceId: 'cs-device', nowMs: NOW_MS });

  describeWithSamples('samples', (dir) => {
    const lines = () =>
      readFileSync(join(dir, 'lorawan-chirpstack-v4', 'uplinks.jsonl'), 'utf8')
        .trim()
        .split('\n');

    it('rejects v4 uplinks without object and codec', () => {
      const v4Lines = lines().filter((line) => line.includes('"deviceInfo"'));

      expect(v4Lines.length).toBeGreaterThan(0);
      for (const line of v4Lines) {
        const error = rejectionOf(() => sut.decode(textBytes(line), ctx));

        expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
        expect(error.message).toContain('no decoded payload');
        expect(error.message).toContain('`codec` in the device type');
      }
    });

    it('reads the stale objectJSON of v3 lines without codec', () => {
      const { readings } = sut.decode(textBytes(lines()[8]), ctx);

      expect(readings.map((reading) => [reading.field, reading.value])).toEqual([
        ['temperatureSensor', 25],
        ['humiditySensor', 32],
      ]);
      expect(readings[0].timeMs).toBe(Date.parse('2019-11-08T13:59:25.048Z'));
    });

    it('decodes data over a stale objectJSON with a codec', () => {
      const { readings, rejections } = sut.decode(textBytes(lines()[8]), {
        ...ctx,
        codec: 'decentlab-dl-pm',
      });
      const fields = readings.map((reading) => reading.field);

      expect(rejections).toEqual([]);
      expect(fields).toContain('pm2_5_mass_concentration');
      expect(fields).not.toContain('temperatureSensor');
    });

    it('decodes a v4 Decentlab line with its codec', () => {
      const { readings } = sut.decode(textBytes(lines()[5]), { ...ctx, codec: 'decentlab-dl-pm' });

      expect(readings.map((reading) => reading.field)).toContain('battery_voltage');
      expect(readings[0].timeMs).toBe(Date.parse('2024-11-10T12:51:50Z'));
      expect(readings[0].deviceId).toBe('cs-device');
    });
  });

  describe('v4 layout', () => {
    it('reads object', () => {
      const { readings } = sut.decode(jsonBytes(makeV4Event({ object: { level: 12, state: 'full' } })), ctx);

      expect(readings).toEqual([
        {
          deviceId: 'cs-device',
          field: 'level',
          value: 12,
          timeMs: Date.parse('2024-05-01T11:59:00.404Z'),
          entryIndex: 0,
        },
        {
          deviceId: 'cs-device',
          field: 'state',
          value: 'full',
          timeMs: Date.parse('2024-05-01T11:59:00.404Z'),
          entryIndex: 0,
        },
      ]);
    });

    it('prefers the codec over object', () => {
      const { readings } = sut.decode(jsonBytes(makeV4Event({ object: { level: 12 } })), {
        ...ctx,
        codec: 'cayenne-lpp',
      });

      expect(readings.map((reading) => [reading.field, reading.value])).toEqual([['temperature_1', 23.5]]);
    });

    it('uses the receive time without time', () => {
      const { readings } = sut.decode(jsonBytes(makeV4Event({ time: undefined, object: { level: 1 } })), ctx);

      expect(readings[0].timeMs).toBe(ctx.receivedAtMs);
    });

    it.each([
      ['missing data', { data: undefined }, "'data'"],
      ['data that is not base64', { data: 'not base64!' }, 'base64'],
      ['FPort 0', { fPort: 0 }, 'FPort 0'],
      ['a missing FPort', { fPort: undefined }, 'MAC commands'],
    ])('rejects %s with a codec', (_label, overrides, text) => {
      const error = rejectionOf(() =>
        sut.decode(jsonBytes(makeV4Event(overrides)), { ...ctx, codec: 'cayenne-lpp' }),
      );

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain(text);
    });

    it('rejects deviceInfo that is no object', () => {
      const error = rejectionOf(() =>
        sut.decode(jsonBytes(makeV4Event({ deviceInfo: 'x', object: { a: 1 } })), ctx),
      );

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain('deviceInfo');
    });

    it('rejects object that is no object', () => {
      const error = rejectionOf(() => sut.decode(jsonBytes(makeV4Event({ object: [1, 2] })), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain("'object' must be an object");
    });

    it('rejects a time without offset and zone', () => {
      const error = rejectionOf(() =>
        sut.decode(jsonBytes(makeV4Event({ time: '2024-05-01T11:59:00', object: { a: 1 } })), ctx),
      );

      expect(error.code).toBe(RejectionCode.MISSING_TIME_ZONE);
    });
  });

  describe('v3 layout', () => {
    it('reads objectJSON and the first gateway time', () => {
      const { readings } = sut.decode(jsonBytes(makeV3Event()), ctx);

      expect(readings).toEqual([
        {
          deviceId: 'cs-device',
          field: 'temperature',
          value: 25,
          timeMs: Date.parse('2024-05-01T11:58:30.5Z'),
          entryIndex: 0,
        },
      ]);
    });

    it('reads object when present', () => {
      const { readings } = sut.decode(jsonBytes(makeV3Event({ object: { level: 3 }, objectJSON: '' })), ctx);

      expect(readings.map((reading) => reading.field)).toEqual(['level']);
    });

    it('uses the receive time without gateway time', () => {
      const { readings } = sut.decode(jsonBytes(makeV3Event({ rxInfo: [{ rssi: -40 }] })), ctx);

      expect(readings[0].timeMs).toBe(ctx.receivedAtMs);
    });

    it('treats an empty objectJSON as missing', () => {
      const error = rejectionOf(() => sut.decode(jsonBytes(makeV3Event({ objectJSON: '' })), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain('no decoded payload');
    });

    it('rejects a broken objectJSON', () => {
      const error = rejectionOf(() => sut.decode(jsonBytes(makeV3Event({ objectJSON: '{"a":' })), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain('offset 5');
    });

    it('ignores a broken objectJSON with a codec', () => {
      const { readings } = sut.decode(jsonBytes(makeV3Event({ objectJSON: '{"a":' })), {
        ...ctx,
        codec: 'cayenne-lpp',
      });

      expect(readings.map((reading) => reading.field)).toEqual(['temperature_1']);
    });
  });

  it('rejects an event of neither layout', () => {
    const error = rejectionOf(() => sut.decode(jsonBytes({ deduplicationId: 'x', data: 'AQ==' }), ctx));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain("'deviceInfo'");
    expect(error.message).toContain("'devEUI'");
  });

  it('rejects malformed JSON', () => {
    expect(rejectionOf(() => sut.decode(textBytes('{"deviceInfo"'), ctx)).code).toBe(
      RejectionCode.MALFORMED_PAYLOAD,
    );
  });
});
