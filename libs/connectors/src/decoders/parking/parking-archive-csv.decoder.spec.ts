import { ErrorCode, RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { ParkingArchiveCsvDecoder } from './parking-archive-csv.decoder';

const ARCHIVE = [
  'timestamp,garage-a,garage-b',
  '2021-03-01T00:00:01+00:00,10,',
  '2021-03-01T00:15:01+00:00,,5',
  '2021-03-01T00:30:01+00:00,12,',
  '2021-03-01T06:30:01+00:00,,',
].join('\n');

describe(ParkingArchiveCsvDecoder.name, () => {
  const sut = new ParkingArchiveCsvDecoder();
  const ctx = makeSourceContext({ sourceName: 'archive.csv' });

  describeWithSamples('Hessen samples', (dir) => {
    const metaFile = join(dir, 'parking', 'parking-archive_meta_hessen.csv');
    const day = sut.decode(readSampleBytes(join(dir, 'parking', 'parking-archive_hessen_2021-03-01.csv')), {
      ...ctx,
      options: { metaFile },
    });

    it('keys one feature per column', () => {
      expect(day.features).toHaveLength(73);
      expect(day.features.find((feature) => feature.key === 'ffh-parken-frankfurt-Borse')).toEqual({
        key: 'ffh-parken-frankfurt-Borse',
        name: 'Börse',
        properties: { capacity: 893, city: 'Frankfurt', source: 'ffh-parken' },
      });
    });

    it('keys a column without metadata by its header', () => {
      expect(day.features.find((feature) => feature.key === 'ffh-parken-frankfurt-Turmcenter')).toEqual({
        key: 'ffh-parken-frankfurt-Turmcenter',
      });
      expect(recordsOf(day, 'ffh-parken-frankfurt-Turmcenter', 'free_spaces')[0].value).toBe(177);
    });

    it('forward-fills empty cells', () => {
      const records = recordsOf(day, 'ffh-parken-frankfurt-Am-Theater', 'free_spaces').slice(0, 3);

      expect(records).toEqual([
        {
          featureKey: 'ffh-parken-frankfurt-Am-Theater',
          field: 'free_spaces',
          value: 306,
          timeMs: Date.UTC(2021, 2, 1, 0, 0, 1),
          position: 'line 2, column "ffh-parken-frankfurt-Am-Theater"',
        },
        {
          featureKey: 'ffh-parken-frankfurt-Am-Theater',
          field: 'free_spaces',
          value: 307,
          timeMs: Date.UTC(2021, 2, 1, 0, 15, 1),
          position: 'line 3, column "ffh-parken-frankfurt-Am-Theater"',
        },
        {
          featureKey: 'ffh-parken-frankfurt-Am-Theater',
          field: 'free_spaces',
          value: 307,
          timeMs: Date.UTC(2021, 2, 1, 0, 30, 1),
          position: 'line 4, column "ffh-parken-frankfurt-Am-Theater" (filled from line 3)',
        },
      ]);
    });

    it('counts cells before the first value as missing', () => {
      const [first] = recordsOf(day, 'ffh-parken-frankfurt-Am-Gericht', 'free_spaces');

      expect(first).toMatchObject({ value: 511, timeMs: Date.UTC(2021, 2, 1, 5, 15, 1) });
      expect(first.position).toBe('line 26, column "ffh-parken-frankfurt-Am-Gericht"');
      expect(day.records).toHaveLength(15362);
      expect(day.missing).toBe(1209);
      expect(day.problems).toEqual([]);
    });

    it('decodes the six-week archive', () => {
      const weeks = sut.decode(
        readSampleBytes(join(dir, 'parking', 'parking-archive_hessen_2021-02-01_2021-03-14.csv')),
        ctx,
      );

      expect(weeks.features).toHaveLength(73);
      expect(weeks.records).toHaveLength(673708);
      expect(weeks.missing).toBe(21325);
      expect(weeks.problems).toEqual([]);
      expect(weeks.records.some((record) => record.featureKey === 'ffh-parken-kassel-Rathaus')).toBe(false);
    });
  });

  describe('inline input', () => {
    it('fills each column from its own last value', () => {
      const result = sut.decode(utf8Bytes(ARCHIVE), ctx);

      expect(recordsOf(result, 'garage-a', 'free_spaces').map((record) => record.value)).toEqual([
        10, 10, 12, 12,
      ]);
      expect(recordsOf(result, 'garage-b', 'free_spaces').map((record) => record.value)).toEqual([5, 5, 5]);
      expect(result.missing).toBe(1);
    });

    it('stops filling after maxFillMinutes', () => {
      const result = sut.decode(utf8Bytes(ARCHIVE), { ...ctx, options: { maxFillMinutes: 60 } });

      expect(recordsOf(result, 'garage-a', 'free_spaces').map((record) => record.value)).toEqual([
        10, 10, 12,
      ]);
      expect(recordsOf(result, 'garage-b', 'free_spaces').map((record) => record.value)).toEqual([5, 5]);
      expect(result.missing).toBe(3);
    });

    it('clears a column after an unreadable cell', () => {
      const result = sut.decode(
        utf8Bytes(ARCHIVE.replace('00:30:01+00:00,12,', '00:30:01+00:00,zwölf,')),
        ctx,
      );

      expect(problemSummary(result)).toEqual([[RejectionCode.INVALID_PAYLOAD, 'line 4, column "garage-a"']]);
      expect(recordsOf(result, 'garage-a', 'free_spaces').map((record) => record.value)).toEqual([10, 10]);
      expect(result.missing).toBe(2);
    });

    it('skips the cells of a row with a bad time', () => {
      const result = sut.decode(
        utf8Bytes(ARCHIVE.replace('2021-03-01T00:15:01+00:00', '01.03.2021 00:15')),
        ctx,
      );

      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_TIMESTAMP, 'line 3, column "timestamp"'],
      ]);
      expect(recordsOf(result, 'garage-b', 'free_spaces')).toEqual([]);
    });

    it('reports a row of the wrong width', () => {
      const result = sut.decode(utf8Bytes(`${ARCHIVE}\n2021-03-01T07:00:01+00:00,1`), ctx);

      expect(problemSummary(result)).toEqual([[RejectionCode.INVALID_PAYLOAD, 'line 6']]);
    });

    it('reads local times in the time zone', () => {
      const local = 'timestamp,garage-a\n2021-03-28T01:30:00,4\n2021-03-28T02:30:00,5\n2021-03-28T03:30:00,6';
      const result = sut.decode(utf8Bytes(local), ctx);

      expect(result.records.map((record) => record.timeMs)).toEqual([
        Date.UTC(2021, 2, 28, 0, 30),
        Date.UTC(2021, 2, 28, 1, 30),
      ]);
      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_TIMESTAMP, 'line 3, column "timestamp"'],
      ]);
    });

    it('reads a BOM, CRLF and negative counts', () => {
      const result = sut.decode(utf8Bytes('\uFEFFtimestamp,garage-a\r\n2021-03-01T00:00:01Z,-3\r\n'), ctx);

      expect(result.records.map((record) => record.value)).toEqual([-3]);
    });

    it('reads metadata with a multi-line address and coordinates', () => {
      const dir = mkdtempSync(join(tmpdir(), 'parking-meta-'));
      try {
        const metaFile = join(dir, 'meta.csv');
        writeFileSync(
          metaFile,
          'place_id,place_name,city_name,num_all,address,latitude,longitude\n' +
            'garage-a,Garage A,Darmstadt,300,"Luisenplatz 1\n64283 Darmstadt",49.8727,8.6512\n' +
            'garage-b,Garage B,Darmstadt,viele,,91,8\n',
        );
        const result = sut.decode(utf8Bytes(ARCHIVE), { ...ctx, options: { metaFile } });

        expect(result.features[0]).toEqual({
          key: 'garage-a',
          name: 'Garage A',
          geometry: { type: 'Point', coordinates: [8.6512, 49.8727] },
          properties: { capacity: 300, city: 'Darmstadt', address: 'Luisenplatz 1, 64283 Darmstadt' },
        });
        expect(problemSummary(result)).toEqual([
          [RejectionCode.INVALID_PAYLOAD, 'meta.csv line 4, column "num_all"'],
          [RejectionCode.INVALID_PAYLOAD, 'meta.csv line 4, column "latitude"'],
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rejects a file without timestamp column', () => {
      expect(() => sut.decode(utf8Bytes('time,garage-a\n2021-03-01T00:00:01Z,1'), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });

    it('rejects an unreadable metaFile', () => {
      expect(() =>
        sut.decode(utf8Bytes(ARCHIVE), { ...ctx, options: { metaFile: '/nonexistent/meta.csv' } }),
      ).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }));
    });
  });
});
