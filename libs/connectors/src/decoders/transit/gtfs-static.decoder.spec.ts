import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { GtfsStaticDecoder } from './gtfs-static.decoder';

describe(GtfsStaticDecoder.name, () => {
  const sut = new GtfsStaticDecoder();

  describeWithSamples('decode DELFI extract stops', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'gtfs', 'delfi-extract-ic-muenchen-berlin', 'stops.txt')),
      makeSourceContext({ sourceName: 'stops.txt' }),
    );

    it('returns all 15 stops and no records', () => {
      expect(result.features).toHaveLength(15);
      expect(result.records).toEqual([]);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads Darmstadt Hauptbahnhof by column name', () => {
      const darmstadt = result.features.find((feature) => feature.key === 'de:06411:4734:62:62');

      expect(darmstadt).toEqual({
        key: 'de:06411:4734:62:62',
        name: 'Darmstadt Hauptbahnhof',
        geometry: { type: 'Point', coordinates: [8.629159, 49.873035] },
        properties: {
          location_type: 0,
          stop_desc: 'Gleis 1',
          parent_station: 'de:06411:4734',
          platform_code: '1',
          level_id: '1',
        },
      });
    });

    it('keeps names with commas and umlauts', () => {
      expect(result.features[0].name).toBe('München Hbf');
      expect(result.features[5].name).toBe('Heidelberg, Hauptbahnhof');
    });
  });

  describe('decode inline input', () => {
    const header = 'stop_id,stop_name,stop_lat,stop_lon,location_type\n';

    it('selects location types with option locationTypes', () => {
      const input = utf8Bytes(
        `${header}S1,Station,49.87,8.63,1\nP1,Platform,49.87,8.63,0\nE1,Entrance,49.87,8.63,2\n`,
      );
      const result = sut.decode(input, makeSourceContext({ options: { locationTypes: [2] } }));

      expect(result.features.map((feature) => feature.key)).toEqual(['E1']);
    });

    it('rejects bad rows and duplicate stop ids', () => {
      const input = utf8Bytes(
        `${header},No id,49.87,8.63,\nP1,A,north,8.63,\nP2,B,49.87,8.63,7\nP1,C,49.87,8.63,0\n`,
      );
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'line 2, column "stop_id"'],
        ['INVALID_PAYLOAD', 'line 3, column "stop_lat"'],
        ['INVALID_PAYLOAD', 'line 4, column "location_type"'],
        ['INVALID_PAYLOAD', 'line 5, column "stop_id"'],
      ]);
      expect(result.features).toEqual([{ key: 'P1', name: 'A', properties: { location_type: 0 } }]);
    });

    it('throws for another GTFS file', () => {
      expect(() => sut.decode(utf8Bytes('trip_id,route_id\n1,2\n'), makeSourceContext())).toThrow(
        /without stop_id/,
      );
    });
  });
});
