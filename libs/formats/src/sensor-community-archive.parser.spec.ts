import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rejectionOf } from '../test/fixtures';
import { parseSensorCommunityArchiveCsv } from './sensor-community-archive.parser';

const HEADER = 'sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2';

describe('parseSensorCommunityArchiveCsv', () => {
  describeWithSamples('samples', (dir) => {
    const read = (file: string) => readFileSync(join(dir, 'sensor-community', file), 'utf8');

    it('reads every row of 2018-10-28', () => {
      const text = read('2018-10-28_sds011_sensor_15092.csv');
      const rows = parseSensorCommunityArchiveCsv(text);

      expect(rows).toHaveLength(text.trim().split('\n').length - 1);
      expect(rows[0]).toEqual({
        sensorId: '15092',
        sensorType: 'SDS011',
        location: '7647',
        lat: 56.963,
        lon: -2.211,
        timeMs: Date.UTC(2018, 9, 28, 0, 1, 13),
        values: { P1: 3, P2: 0.7 },
      });
    });

    it('reads UTC across the daylight-saving change', () => {
      const rows = parseSensorCommunityArchiveCsv(read('2018-10-28_sds011_sensor_15092.csv'));
      const gapsMs = rows.slice(1).map((row, index) => row.timeMs - rows[index].timeMs);

      expect(Math.min(...gapsMs)).toBeGreaterThan(0);
      expect(Math.max(...gapsMs)).toBeLessThan(3_600_000);
    });

    it('reads 2018-10-29 with values only in P1 and P2', () => {
      const rows = parseSensorCommunityArchiveCsv(read('2018-10-29_sds011_sensor_15092.csv'));

      expect(rows.length).toBeGreaterThan(500);
      expect(new Set(rows.flatMap((row) => Object.keys(row.values)))).toEqual(new Set(['P1', 'P2']));
    });
  });

  it('reads other value columns', () => {
    const rows = parseSensorCommunityArchiveCsv(
      'sensor_id;sensor_type;location;lat;lon;timestamp;pressure;altitude;pressure_sealevel;temperature;humidity\r\n' +
        '3;BME280;9;49.872;8.651;2024-01-01T00:00:00;100535.97;;;-2.83;66.73\r\n',
    );

    expect(rows[0].values).toEqual({ pressure: 100535.97, temperature: -2.83, humidity: 66.73 });
  });

  it('leaves empty coordinates undefined', () => {
    const rows = parseSensorCommunityArchiveCsv(`${HEADER}\n1;SDS011;2;;;2024-01-01T00:00:00;1;;;2;;\n`);

    expect(rows[0].lat).toBeUndefined();
    expect(rows[0].lon).toBeUndefined();
  });

  it('returns no rows for a header only', () => {
    expect(parseSensorCommunityArchiveCsv(`${HEADER}\n`)).toEqual([]);
  });

  it('rejects a header without fixed columns', () => {
    const error = rejectionOf(() => parseSensorCommunityArchiveCsv('sensor_id;P1\n1;2\n'));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain('sensor_type, location, lat, lon, timestamp');
  });

  it('rejects a non-numeric value with its line', () => {
    const error = rejectionOf(() =>
      parseSensorCommunityArchiveCsv(
        `${HEADER}\n1;SDS011;2;1;1;2024-01-01T00:00:00;1;;;2;;\n1;SDS011;2;1;1;2024-01-01T00:02:30;x;;;2;;\n`,
      ),
    );

    expect(error.code).toBe(RejectionCode.WRONG_TYPE);
    expect(error.message).toContain('Line 3');
    expect(error.message).toContain('P1');
  });

  it('rejects a bad timestamp with its line', () => {
    const error = rejectionOf(() =>
      parseSensorCommunityArchiveCsv(`${HEADER}\n1;SDS011;2;1;1;yesterday;1;;;2;;\n`),
    );

    expect(error.code).toBe(RejectionCode.INVALID_TIMESTAMP);
    expect(error.message).toContain('Line 2');
  });

  it('rejects a timestamp before 1990', () => {
    const error = rejectionOf(() =>
      parseSensorCommunityArchiveCsv(`${HEADER}\n1;SDS011;2;1;1;1970-01-01T00:00:00;1;;;2;;\n`),
    );

    expect(error.code).toBe(RejectionCode.INVALID_TIMESTAMP);
  });
});
