import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples, samplePath } from '@stadtdaten/testing';
import { readFileSync } from 'node:fs';
import { jsonBytes, makeDecodeContext, readSample, rejectionOf, textBytes } from '../test/fixtures';
import { codecFor } from './codecs/codec-registry';
import { TtnV3Decoder } from './ttn-v3.decoder';

/** Clock after every sample time, so that no sample time lies in the future. */
const NOW_MS = Date.UTC(2026, 0, 1);

function makeUplink(uplinkMessage: Record<string, unknown>, receivedAt = '2024-05-01T11:59:00.123456789Z') {
  return {
    end_device_ids: { device_id: 'eui-70b3d57ed0000001', dev_eui: '70B3D57ED0000001' },
    received_at: receivedAt,
    uplink_message: { f_port: 1, frm_payload: 'AQIXEA==', ...uplinkMessage },
  };
}

describe(TtnV3Decoder.name, () => {
  const sut = new TtnV3Decoder(codecFor);
  const ctx = makeDecodeContext({ deviceId: 'ttn-device', nowMs: NOW_MS });

  describeWithSamples('samples', (dir) => {
    it('reads decoded_payload of the kotori uplink', () => {
      const payload = readSample(samplePath('lorawan-ttn-v3', 'kotori_ttn-v3-uplink_cayenne-lpp_full.json'));
      const { readings, rejections } = sut.decode(payload, ctx);

      expect(rejections).toEqual([]);
      expect(Object.fromEntries(readings.map((reading) => [reading.field, reading.value]))).toEqual({
        analog_in_1: 59.04,
        analog_in_2: 58.69,
        analog_in_3: 3.49,
        relative_humidity_2: 78.5,
        temperature_2: 4.2,
        temperature_3: 3.4,
      });
      expect(readings.every((reading) => reading.entryIndex === 0 && reading.deviceId === 'ttn-device')).toBe(
        true,
      );
      expect(readings[0].timeMs).toBe(Date.parse('2022-01-19T19:02:33.795Z'));
    });

    it('decodes the kotori bytes with the cayenne-lpp codec', () => {
      const payload = readSample(samplePath('lorawan-ttn-v3', 'kotori_ttn-v3-uplink_cayenne-lpp_full.json'));
      const withCodec = sut.decode(payload, { ...ctx, codec: 'cayenne-lpp' });
      const decodedPayload = (
        JSON.parse(new TextDecoder().decode(payload)) as { uplink_message: { decoded_payload: object } }
      ).uplink_message.decoded_payload;

      expect(Object.fromEntries(withCodec.readings.map((reading) => [reading.field, reading.value]))).toEqual(
        decodedPayload,
      );
    });

    it('reads the console event', () => {
      const payload = readSample(
        samplePath('lorawan-ttn-v3', 'console-event_as.up.data.forward_ezurio-rs26x.json'),
      );
      const { readings } = sut.decode(payload, ctx);

      expect(readings.map((reading) => [reading.field, reading.value])).toEqual([
        ['Battery Status', 'Good'],
        [
          'Device Status',
          {
            'Backlog Wraparound': 'No',
            'Backlogs Available': 'Yes',
            'Bandwidth Limitation': 'No',
            'Sensor Fault': 'No',
            'Unsupported API Version': 'No',
          },
        ],
        ['Temperature', 21.83],
      ]);
      expect(readings[0].timeMs).toBe(Date.parse('2025-11-07T08:52:14.536Z'));
    });

    it('rejects every uplink without decoded_payload and codec', () => {
      const lines = readFileSync(`${dir}/lorawan-ttn-v3/uplinks.jsonl`, 'utf8').trim().split('\n');

      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const error = rejectionOf(() => sut.decode(new TextEncoder().encode(line), ctx));

        expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
        expect(error.message).toContain('no decoded payload');
        expect(error.message).toContain('`codec` in the device type');
        expect(error.message).toContain('payload formatter');
      }
    });

    it('decodes the EM310-UDL uplink with its codec', () => {
      const lines = readFileSync(`${dir}/lorawan-ttn-v3/uplinks.jsonl`, 'utf8').trim().split('\n');
      const { readings, rejections } = sut.decode(new TextEncoder().encode(lines[4]), {
        ...ctx,
        codec: 'milesight-em310-udl',
      });

      expect(rejections).toEqual([]);
      expect(readings.length).toBeGreaterThan(0);
      expect(readings[0].timeMs).toBe(Date.parse('2023-05-19T05:33:35.641Z'));
    });
  });

  describe('decode', () => {
    it('prefers uplink_message.received_at', () => {
      const { readings } = sut.decode(
        jsonBytes(
          makeUplink({ decoded_payload: { level: 1 }, received_at: '2024-05-01T11:58:00.999999999Z' }),
        ),
        ctx,
      );

      expect(readings[0].timeMs).toBe(Date.parse('2024-05-01T11:58:00.999Z'));
    });

    it('falls back to received_at', () => {
      const { readings } = sut.decode(jsonBytes(makeUplink({ decoded_payload: { level: 1 } })), ctx);

      expect(readings[0].timeMs).toBe(Date.parse('2024-05-01T11:59:00.123Z'));
    });

    it('uses the receive time without any time', () => {
      const message = { uplink_message: { decoded_payload: { level: 1 } } };

      expect(sut.decode(jsonBytes(message), ctx).readings[0].timeMs).toBe(ctx.receivedAtMs);
    });

    it('prefers the codec over decoded_payload', () => {
      const { readings } = sut.decode(
        jsonBytes(makeUplink({ frm_payload: 'AWcA6w==', f_port: 1, decoded_payload: { stale: true } })),
        { ...ctx, codec: 'cayenne-lpp' },
      );

      expect(readings.map((reading) => [reading.field, reading.value])).toEqual([['temperature_1', 23.5]]);
    });

    it('rejects an unknown codec', () => {
      const error = rejectionOf(() =>
        sut.decode(jsonBytes(makeUplink({ decoded_payload: { level: 1 } })), {
          ...ctx,
          codec: 'no-such-codec',
        }),
      );

      expect(error.code).toBe(RejectionCode.UNSUPPORTED_FORMAT);
    });

    it('rejects a missing frm_payload with a codec', () => {
      const message = makeUplink({});
      delete (message.uplink_message as Record<string, unknown>).frm_payload;
      const error = rejectionOf(() => sut.decode(jsonBytes(message), { ...ctx, codec: 'cayenne-lpp' }));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain('uplink_message.frm_payload');
    });

    it('rejects an empty decoded_payload', () => {
      const error = rejectionOf(() => sut.decode(jsonBytes(makeUplink({ decoded_payload: {} })), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain('no fields');
    });

    it('rejects another console event', () => {
      const error = rejectionOf(() => sut.decode(jsonBytes({ name: 'as.up.join.forward', data: {} }), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain('as.up.join.forward');
    });

    it('rejects a message without uplink_message', () => {
      const error = rejectionOf(() => sut.decode(jsonBytes({ end_device_ids: {}, join_accept: {} }), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain("'uplink_message'");
    });

    it('rejects a bad received_at', () => {
      const error = rejectionOf(() =>
        sut.decode(jsonBytes(makeUplink({ decoded_payload: { level: 1 } }, 'yesterday')), ctx),
      );

      expect(error.code).toBe(RejectionCode.INVALID_TIMESTAMP);
      expect(error.field).toBe('received_at');
    });

    it('rejects an array', () => {
      expect(rejectionOf(() => sut.decode(jsonBytes([]), ctx)).code).toBe(RejectionCode.INVALID_PAYLOAD);
    });

    it('rejects malformed JSON', () => {
      const error = rejectionOf(() => sut.decode(textBytes('{"uplink_message": {'), ctx));

      expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
      expect(error.message).toContain('offset 20');
    });
  });
});
