import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import type { SourceRecord } from '../source-decoder.interface';
import { TrafficComputerDecoder } from './traffic-computer.decoder';

const SAMPLE_NAME = 'A001_2020-10-19_2020-11-01.csv';

function fieldsOf(records: SourceRecord[]): Array<[string, unknown, string | undefined, string]> {
  return records.map(({ field, value, unit, timeMs }) => [
    field,
    value,
    unit,
    new Date(timeMs).toISOString(),
  ]);
}

describe(TrafficComputerDecoder.name, () => {
  const sut = new TrafficComputerDecoder();

  describeWithSamples('decode intersection A001 sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'darmstadt-traffic', SAMPLE_NAME)),
      makeSourceContext({ sourceName: `/data/darmstadt-traffic/${SAMPLE_NAME}` }),
    );
    const d11 = result.records.filter((record) => record.featureKey === 'A001/D11');

    it('returns one feature per detector', () => {
      expect(result.features).toHaveLength(25);
      expect(result.features[2]).toEqual({
        key: 'A001/D11',
        name: 'A001 D11',
        properties: { intersection: 'A001', detector: 'D11' },
      });
      expect(result.features.at(-1)?.key).toBe('A001/T5_T6');
    });

    it('counts records, missing cells and no problems', () => {
      expect(result.records).toHaveLength(25125);
      expect(result.missing).toBe(50);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads the first hour at its end', () => {
      expect(fieldsOf(d11.filter((record) => record.position.startsWith('line 2,')))).toEqual([
        ['vehicles', 2, '{vehicles}', '2020-10-18T23:00:00.000Z'],
        ['occupancy_time', 74.33, 's', '2020-10-18T23:00:00.000Z'],
        ['occupancy_rate', 2.06, '%', '2020-10-18T23:00:00.000Z'],
      ]);
    });

    it('resolves the repeated 02:00 row to the later hour', () => {
      const autumn = d11.filter(
        (record) => /^line 14[89],|^line 150,/.test(record.position) && record.field === 'vehicles',
      );

      expect(
        autumn.map(({ value, timeMs, position }) => [value, new Date(timeMs).toISOString(), position]),
      ).toEqual([
        [8, '2020-10-25T01:00:00.000Z', 'line 148, column "Bel_D11"'],
        [0, '2020-10-25T03:00:00.000Z', 'line 150, column "Bel_D11"'],
      ]);
    });

    it('reads the last row in winter time', () => {
      expect(fieldsOf(recordsOf(result, 'A001/D11', 'occupancy_rate').slice(-1))).toEqual([
        ['occupancy_rate', 14.14, '%', '2020-11-01T22:00:00.000Z'],
      ]);
    });
  });

  describe('decode inline input', () => {
    const header = '01.03.2020 00:00;Bel_D1;Vwz_D1;Extra';
    const context = makeSourceContext({ options: { intersection: 'A099' } });

    it('rejects the skipped spring hour and bad cells', () => {
      const input = utf8Bytes(
        [
          header,
          '29.03.2020 01:00;1;1000;x',
          '29.03.2020 02:00;1;1000;x',
          '29.03.2020 03:00;-2;3600001;x',
          '',
        ].join('\r\n'),
      );
      const result = sut.decode(input, context);

      expect(problemSummary(result)).toEqual([
        ['UNSUPPORTED_FORMAT', 'line 1, column "Extra"'],
        ['INVALID_TIMESTAMP', 'line 3, column 1'],
        ['INVALID_PAYLOAD', 'line 4, column "Bel_D1"'],
        ['OUT_OF_RANGE', 'line 4, column "Vwz_D1"'],
      ]);
      expect(fieldsOf(result.records)).toEqual([
        ['vehicles', 1, '{vehicles}', '2020-03-29T01:00:00.000Z'],
        ['occupancy_time', 1, 's', '2020-03-29T01:00:00.000Z'],
        ['occupancy_rate', 0.03, '%', '2020-03-29T01:00:00.000Z'],
      ]);
    });

    it('scales occupancy to option intervalMinutes', () => {
      const input = utf8Bytes(`${header}\n10.05.2020 12:00;3;30000;x\n`);
      const result = sut.decode(
        input,
        makeSourceContext({ options: { intersection: 'A099', intervalMinutes: 1 } }),
      );

      expect(fieldsOf(recordsOf(result, 'A099/D1', 'occupancy_rate'))).toEqual([
        ['occupancy_rate', 50, '%', '2020-05-10T10:01:00.000Z'],
      ]);
    });

    it('throws without intersection id', () => {
      expect(() =>
        sut.decode(utf8Bytes(`${header}\n`), makeSourceContext({ sourceName: 'export.csv' })),
      ).toThrow(/set options.intersection/);
    });
  });
});
