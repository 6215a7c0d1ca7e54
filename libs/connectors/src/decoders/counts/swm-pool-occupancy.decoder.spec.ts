import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
} from '../common/source-decoder-spec.fixtures';
import { SwmPoolOccupancyDecoder } from './swm-pool-occupancy.decoder';

describe(SwmPoolOccupancyDecoder.name, () => {
  const sut = new SwmPoolOccupancyDecoder();

  describeWithSamples('decode January scrape in the older schema', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'visitor-counts', 'swm_munich_pool_occupancy_20260116_114036.json')),
      makeSourceContext(),
    );

    it('returns 7 pools and 6 saunas', () => {
      expect(result.features).toHaveLength(13);
      expect(result.features[7]).toEqual({
        key: 'sauna:Cosimawellenbad',
        name: 'Cosimawellenbad Sauna',
        properties: { facility_type: 'sauna' },
      });
      expect(result.records).toHaveLength(52);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads visitors, capacity and rate of the first pool', () => {
      const firstPool = result.records.filter(
        (record) => record.featureKey === 'pool:Bad Giesing-Harlaching',
      );

      expect(firstPool).toEqual(
        [
          ['visitors', 37, '{visitors}', 'pools[0].raw_occupancy'],
          ['capacity', 311, '{visitors}', 'pools[0].raw_occupancy'],
          ['occupancy_rate', 11.9, '%', 'pools[0].raw_occupancy'],
          ['is_open', true, undefined, 'pools[0].is_open'],
        ].map(([field, value, unit, position]) => ({
          featureKey: 'pool:Bad Giesing-Harlaching',
          field,
          value,
          unit,
          timeMs: Date.parse('2026-01-16T10:40:32.421Z'),
          position,
        })),
      );
    });

    it('drops the sauna suffix from the key', () => {
      expect(recordsOf(result, 'sauna:Nordbad', 'occupancy_rate')).toMatchObject([
        { value: 15.1, position: 'saunas[3].raw_occupancy' },
      ]);
    });
  });

  describeWithSamples('decode June scrape in the newer schema', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'visitor-counts', 'swm_munich_pool_occupancy_20260605_104929.json')),
      makeSourceContext(),
    );

    it('returns pools, saunas and the ice rink', () => {
      expect(result.features).toHaveLength(17);
      expect(result.features.at(-1)?.key).toBe('ice_rink:Prinzregentenstadion - Eislaufbahn');
      expect(result.records).toHaveLength(68);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads pool and sauna of the same name apart', () => {
      const timeMs = Date.parse('2026-06-05T08:49:25.058Z');

      expect(recordsOf(result, 'pool:Nordbad', 'visitors')).toMatchObject([{ value: 119, timeMs }]);
      expect(recordsOf(result, 'pool:Nordbad', 'occupancy_rate')).toMatchObject([{ value: 27.5 }]);
      expect(recordsOf(result, 'sauna:Nordbad', 'occupancy_rate')).toMatchObject([{ value: 4.8, timeMs }]);
    });
  });

  describe('decode inline input', () => {
    it('rejects unreadable facilities', () => {
      const input = jsonInput({
        scrape_timestamp: '2026-03-01T10:00:00+01:00',
        pools: [
          { pool_name: 'Westbad', raw_occupancy: 'voll' },
          { pool_name: 'Südbad', raw_occupancy: '0/0 persons', timestamp: 'gestern' },
          { pool_name: 'Nordbad', raw_occupancy: '0/0 persons' },
          { raw_occupancy: '1/2 persons' },
        ],
      });
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'pools[0].raw_occupancy'],
        ['INVALID_TIMESTAMP', 'pools[1].timestamp'],
        ['OUT_OF_RANGE', 'pools[2].raw_occupancy'],
        ['INVALID_PAYLOAD', 'pools[3]'],
      ]);
      expect(result.records.map(({ featureKey, field, timeMs }) => [featureKey, field, timeMs])).toEqual([
        ['pool:Nordbad', 'visitors', Date.UTC(2026, 2, 1, 9)],
        ['pool:Nordbad', 'capacity', Date.UTC(2026, 2, 1, 9)],
      ]);
    });

    it('throws for JSON without facility lists', () => {
      expect(() => sut.decode(jsonInput({ data: [] }), makeSourceContext())).toThrow(
        /lists pools, saunas or ice_rinks/,
      );
    });
  });
});
