import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
} from '../common/source-decoder-spec.fixtures';
import { OcpiLocationsDecoder } from './ocpi-locations.decoder';

const EVSE_UID = 'eccb8dd9-4189-433e-b100-cc0945dd17dc';
const LOCATION_ID = 'cbb0df21-d17d-40ba-a4aa-dc588c8f98cb';

function makeEvse(uid: string, status: string, overrides: Record<string, unknown> = {}) {
  return {
    uid,
    evse_id: `DE*ABC*E${uid}`,
    status,
    last_updated: '2024-05-01T10:00:00Z',
    connectors: [],
    ...overrides,
  };
}

function makeLocation(evses: unknown[], overrides: Record<string, unknown> = {}) {
  return {
    id: 'LOC1',
    name: 'Parkhaus Mitte',
    address: 'Luisenplatz 1',
    city: 'Darmstadt',
    coordinates: { latitude: '49.8727', longitude: '8.6512' },
    evses,
    last_updated: '2024-05-01T10:05:00Z',
    ...overrides,
  };
}

describe(OcpiLocationsDecoder.name, () => {
  const sut = new OcpiLocationsDecoder();
  const ctx = makeSourceContext({ sourceName: 'https://cpo.example.org/ocpi/2.2/locations' });

  describeWithSamples('OCPI example', (dir) => {
    const sample = () =>
      readSampleBytes(join(dir, 'ev-charging', 'ocpi_location_example_parking-garage.json'));

    it('keys the EVSE by uid at the location coordinates', () => {
      const result = sut.decode(sample(), ctx);

      expect(result.features).toEqual([
        {
          key: EVSE_UID,
          name: 'SE*EVC*E000000123',
          geometry: { type: 'Point', coordinates: [13.008307, 55.590325] },
          properties: {
            address: 'Claesgatan 6',
            postal_code: '214 26',
            city: 'Malmö',
            country: 'SWE',
            location_id: LOCATION_ID,
            location_name: 'P-Huset Leonard',
            evse_id: 'SE*EVC*E000000123',
            connector_standards: 'IEC_62196_T2',
            max_power_kw: 22.08,
          },
        },
      ]);
    });

    it('reads the EVSE status', () => {
      const result = sut.decode(sample(), ctx);

      expect(result.records).toEqual([
        {
          featureKey: EVSE_UID,
          field: 'status',
          value: 'AVAILABLE',
          timeMs: Date.UTC(2017, 2, 7, 2, 21, 22),
          position: 'locations[0].evses[0].status',
        },
      ]);
      expect(result.problems).toEqual([]);
      expect(result.missing).toBe(0);
    });

    it('counts available EVSEs per location', () => {
      const result = sut.decode(sample(), { ...ctx, options: { level: 'location' } });

      expect(result.features).toEqual([
        {
          key: LOCATION_ID,
          name: 'P-Huset Leonard',
          geometry: { type: 'Point', coordinates: [13.008307, 55.590325] },
          properties: {
            address: 'Claesgatan 6',
            postal_code: '214 26',
            city: 'Malmö',
            country: 'SWE',
            evse_count: 1,
            parking_type: 'PARKING_GARAGE',
          },
        },
      ]);
      expect(result.records.map((record) => [record.field, record.value, record.timeMs])).toEqual([
        ['available_evses', 1, Date.UTC(2017, 2, 7, 2, 21, 22)],
      ]);
    });
  });

  describe('inline input', () => {
    it('reads a paged response envelope', () => {
      const envelope = {
        data: [
          makeLocation([makeEvse('1', 'CHARGING'), makeEvse('2', 'AVAILABLE'), makeEvse('3', 'REMOVED')]),
        ],
        status_code: 1000,
        timestamp: '2024-05-01T10:06:00Z',
      };
      const result = sut.decode(jsonInput(envelope), { ...ctx, options: { level: 'location' } });

      expect(result.features[0].properties?.evse_count).toBe(2);
      expect(result.records.map((record) => [record.featureKey, record.value])).toEqual([['LOC1', 1]]);
    });

    it('uses the EVSE coordinates over the location', () => {
      const evse = makeEvse('1', 'AVAILABLE', { coordinates: { latitude: '49.9', longitude: '8.7' } });
      const result = sut.decode(jsonInput([makeLocation([evse])]), ctx);

      expect(result.features[0].geometry).toEqual({ type: 'Point', coordinates: [8.7, 49.9] });
    });

    it('takes the power of max_electric_power', () => {
      const connectors = [
        {
          id: '1',
          standard: 'IEC_62196_T2_COMBO',
          power_type: 'DC',
          max_voltage: 920,
          max_amperage: 500,
          max_electric_power: 300000,
        },
      ];
      const result = sut.decode(jsonInput([makeLocation([makeEvse('1', 'AVAILABLE', { connectors })])]), ctx);

      expect(result.features[0].properties).toMatchObject({
        max_power_kw: 300,
        connector_standards: 'IEC_62196_T2_COMBO',
      });
    });

    it('reports an unknown status and leaves out the count', () => {
      const location = makeLocation([makeEvse('1', 'AVAILABLE'), makeEvse('2', 'FREE')]);
      const evseResult = sut.decode(jsonInput([location]), ctx);
      const locationResult = sut.decode(jsonInput([location]), { ...ctx, options: { level: 'location' } });

      expect(problemSummary(evseResult)).toEqual([
        [RejectionCode.INVALID_PAYLOAD, 'locations[0].evses[1].status'],
      ]);
      expect(evseResult.records.map((record) => record.featureKey)).toEqual(['1']);
      expect(problemSummary(locationResult)).toEqual([
        [RejectionCode.INVALID_PAYLOAD, 'locations[0].evses[1].status'],
      ]);
      expect(locationResult.records).toEqual([]);
    });

    it.each([
      ['an EVSE without uid', makeLocation([{ status: 'AVAILABLE' }]), 'locations[0].evses[0].uid'],
      ['a location without id', makeLocation([], { id: 5 }), 'locations[0].id'],
      [
        'coordinates that are no numbers',
        makeLocation([], { coordinates: { latitude: 'N49', longitude: '8.6' } }),
        'locations[0].coordinates',
      ],
    ])('reports %s', (_label, location, position) => {
      const result = sut.decode(jsonInput([location]), ctx);

      expect(problemSummary(result)).toEqual([[RejectionCode.INVALID_PAYLOAD, position]]);
    });

    it('reports a bad last_updated', () => {
      const result = sut.decode(
        jsonInput([makeLocation([makeEvse('1', 'AVAILABLE', { last_updated: 'now' })])]),
        ctx,
      );

      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_TIMESTAMP, 'locations[0].evses[0].last_updated'],
      ]);
      expect(result.features).toHaveLength(1);
    });

    it('rejects an error envelope', () => {
      const envelope = {
        status_code: 2001,
        status_message: 'Invalid or missing parameters',
        timestamp: '2024-05-01T10:00:00Z',
      };

      expect(() => sut.decode(jsonInput(envelope), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.INVALID_PAYLOAD }),
      );
    });

    it('rejects a document of another shape', () => {
      expect(() => sut.decode(jsonInput({ status: 'CHARGING' }), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });
  });
});
