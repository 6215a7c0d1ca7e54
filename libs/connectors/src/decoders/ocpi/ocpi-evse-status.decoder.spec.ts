import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
} from '../common/source-decoder-spec.fixtures';
import { OcpiEvseStatusDecoder } from './ocpi-evse-status.decoder';

const EVSE_PATH =
  '/ocpi/emsp/2.2/locations/SE/EVC/cbb0df21-d17d-40ba-a4aa-dc588c8f98cb/eccb8dd9-4189-433e-b100-cc0945dd17dc';

describe(OcpiEvseStatusDecoder.name, () => {
  const sut = new OcpiEvseStatusDecoder();
  const ctx = makeSourceContext({ sourceName: EVSE_PATH });

  describeWithSamples('OCPI example', (dir) => {
    const sample = () => readSampleBytes(join(dir, 'ev-charging', 'ocpi_evse_status_patch_example.json'));

    it('reads the status for the EVSE in the path', () => {
      const result = sut.decode(sample(), ctx);

      expect(result.records).toEqual([
        {
          featureKey: 'eccb8dd9-4189-433e-b100-cc0945dd17dc',
          field: 'status',
          value: 'CHARGING',
          timeMs: Date.UTC(2019, 5, 24, 12, 39, 9),
          position: 'status',
        },
      ]);
      expect(result.features).toEqual([]);
      expect(result.problems).toEqual([]);
      expect(result.missing).toBe(0);
    });

    it('reports a path without EVSE', () => {
      const result = sut.decode(sample(), { ...ctx, sourceName: 'ocpi_evse_status_patch_example.json' });

      expect(problemSummary(result)).toEqual([[RejectionCode.UNKNOWN_DEVICE, 'request path']]);
      expect(result.records).toEqual([]);
    });
  });

  describe('inline input', () => {
    it('reads a full URL with a query', () => {
      const result = sut.decode(jsonInput({ status: 'BLOCKED', last_updated: '2024-05-01T10:00:00Z' }), {
        ...ctx,
        sourceName: 'https://emsp.example.org/ocpi/2.2/locations/DE/ABC/LOC%201/EVSE%2F7?trace=1',
      });

      expect(result.records[0]).toMatchObject({ featureKey: 'EVSE/7', value: 'BLOCKED' });
    });

    it('reads an EVSE object in an envelope', () => {
      const response = {
        data: {
          uid: 'EVSE-9',
          evse_id: 'DE*ABC*E9',
          status: 'OUTOFORDER',
          last_updated: '2024-05-01T10:00:00Z',
          connectors: [],
        },
        status_code: 1000,
        timestamp: '2024-05-01T10:00:01Z',
      };
      const result = sut.decode(jsonInput(response), {
        ...ctx,
        sourceName: 'https://cpo.example.org/ocpi/cpo/2.2/locations/LOC1/EVSE-9',
      });

      expect(result.records.map((record) => [record.featureKey, record.value])).toEqual([
        ['EVSE-9', 'OUTOFORDER'],
      ]);
    });

    it('gives nothing for a patch without status', () => {
      const result = sut.decode(jsonInput({ last_updated: '2024-05-01T10:00:00Z', connectors: [] }), ctx);

      expect(result.records).toEqual([]);
      expect(result.problems).toEqual([]);
    });

    it('rejects a connector path', () => {
      const result = sut.decode(jsonInput({ status: 'CHARGING', last_updated: '2024-05-01T10:00:00Z' }), {
        ...ctx,
        sourceName: `${EVSE_PATH}/1`,
      });

      expect(problemSummary(result)).toEqual([[RejectionCode.UNKNOWN_DEVICE, 'request path']]);
    });

    it.each([
      [
        'an unknown status',
        { status: 'BUSY', last_updated: '2024-05-01T10:00:00Z' },
        RejectionCode.INVALID_PAYLOAD,
        'status',
      ],
      ['a missing last_updated', { status: 'CHARGING' }, RejectionCode.INVALID_TIMESTAMP, 'last_updated'],
    ])('reports %s', (_label, patch, code, position) => {
      const result = sut.decode(jsonInput(patch), ctx);

      expect(problemSummary(result)).toEqual([[code, position]]);
    });

    it('rejects a body that is no object', () => {
      expect(() => sut.decode(jsonInput(['CHARGING']), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });
  });
});
