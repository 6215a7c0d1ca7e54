import { AppError, ErrorCode, RejectionCode, RejectionError } from '@stadtdaten/contracts';
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
import { Datex2ParkingDecoder } from './datex2-parking.decoder';

const D2_V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function genericPublication(extension: string, publicationTime = '2024-05-01T10:00:00+02:00'): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><d2LogicalModel ${D2_V2} modelBaseVersion="2">` +
    `<payloadPublication xsi:type="GenericPublication" lang="de"><publicationTime>${publicationTime}</publicationTime>` +
    `<genericPublicationExtension>${extension}</genericPublicationExtension></payloadPublication></d2LogicalModel>`
  );
}

function facilityStatus(id: string, inner: string): string {
  return (
    `<parkingFacilityStatus><parkingFacilityReference id="${id}" targetClass="ParkingFacility" version="1"/>` +
    `${inner}</parkingFacilityStatus>`
  );
}

function facilityStatusPublication(...statuses: string[]): string {
  return genericPublication(
    `<parkingFacilityTableStatusPublication>${statuses.join('')}</parkingFacilityTableStatusPublication>`,
  );
}

/** Returns a DATEX II v2.3 parking status publication with a namespace prefix, as Mobilithek feeds send it. */
function recordStatusPublication(records: string): string {
  return (
    '<ns3:d2LogicalModel xmlns:ns3="http://datex2.eu/schema/2/2_0" modelBaseVersion="2">' +
    '<ns3:payloadPublication xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="ns3:GenericPublication">' +
    '<ns3:publicationTime>2025-07-18T06:42:00Z</ns3:publicationTime><ns3:genericPublicationExtension>' +
    `<ns3:parkingStatusPublication>${records}</ns3:parkingStatusPublication>` +
    '</ns3:genericPublicationExtension></ns3:payloadPublication></ns3:d2LogicalModel>'
  );
}

const SITE_STATUS =
  '<ns3:parkingRecordStatus xsi:type="ns3:ParkingSiteStatus">' +
  '<ns3:parkingRecordReference id="PH19" targetClass="ParkingRecord" version="3"/>' +
  '<ns3:parkingStatusOriginTime>2025-07-18T06:41:01.434Z</ns3:parkingStatusOriginTime>' +
  '<ns3:parkingOccupancy><ns3:parkingNumberOfSpacesOverride>120</ns3:parkingNumberOfSpacesOverride>' +
  '<ns3:parkingNumberOfVacantSpaces>0</ns3:parkingNumberOfVacantSpaces>' +
  '<ns3:parkingNumberOfOccupiedSpaces>120</ns3:parkingNumberOfOccupiedSpaces>' +
  '<ns3:parkingOccupancy>100.0</ns3:parkingOccupancy></ns3:parkingOccupancy>' +
  '<ns3:parkingSiteStatus>full</ns3:parkingSiteStatus><ns3:parkingSiteOpeningStatus>open</ns3:parkingSiteOpeningStatus>' +
  '</ns3:parkingRecordStatus>';

const FACILITY_TABLE = genericPublication(
  '<parkingFacilityTablePublication><parkingFacilityTable><parkingFacilityTableVersionTime>2024-01-01</parkingFacilityTableVersionTime>' +
    '<parkingFacility id="P-1" version="1"><parkingFacilityName>Parkhaus Mitte</parkingFacilityName>' +
    '<totalParkingCapacity>420</totalParkingCapacity><entranceLocation><pointByCoordinates><pointCoordinates>' +
    '<latitude>49.8728</latitude><longitude>8.6512</longitude></pointCoordinates></pointByCoordinates></entranceLocation>' +
    '</parkingFacility>' +
    '<parkingFacility id="P-2" version="1"><parkingFacilityName><values><value lang="de">Tiefgarage Süd</value></values>' +
    '</parkingFacilityName><totalParkingCapacity>viele</totalParkingCapacity></parkingFacility>' +
    '</parkingFacilityTable></parkingFacilityTablePublication>',
);

describe(Datex2ParkingDecoder.name, () => {
  const sut = new Datex2ParkingDecoder();
  const ctx = makeSourceContext({ sourceName: 'datex2.xml' });

  describeWithSamples('Stuttgart sample', (dir) => {
    const result = sut.decode(readSampleBytes(join(dir, 'parking', 'stuttgart_datex2_realtime.xml')), ctx);

    it('keys one feature per facility reference', () => {
      expect(result.features).toHaveLength(49);
      expect(result.features[0]).toEqual({ key: '12717289' });
    });

    it('reads counts and status with the record time', () => {
      expect(recordsOf(result, '12717289', 'free_spaces')).toEqual([
        {
          featureKey: '12717289',
          field: 'free_spaces',
          value: 245,
          timeMs: Date.UTC(2022, 1, 11, 13, 16, 1),
          position: 'parkingFacilityStatus[0].totalNumberOfVacantParkingSpaces',
        },
      ]);
      expect(recordsOf(result, '12717289', 'occupied_spaces')[0].value).toBe(319);
      expect(recordsOf(result, '12717289', 'status')[0].value).toBe('spacesAvailable');
    });

    it('ranks closed over spacesAvailable', () => {
      const [status] = recordsOf(result, '12717253', 'status');

      expect(status.value).toBe('closed');
      expect(status.timeMs).toBe(Date.UTC(2023, 9, 7, 1, 45, 8));
      expect(recordsOf(result, '12717253', 'free_spaces')[0].value).toBe(457);
    });

    it('ranks full over open', () => {
      expect(recordsOf(result, '12717345', 'status')[0]).toMatchObject({
        value: 'full',
        timeMs: Date.UTC(2023, 8, 23, 16, 4, 0),
      });
      expect(recordsOf(result, '12717345', 'free_spaces')[0].value).toBe(0);
    });

    it('counts records and statuses', () => {
      const statuses = result.records
        .filter((record) => record.field === 'status')
        .map((record) => record.value);

      expect(result.records).toHaveLength(114);
      expect(statuses.filter((status) => status === 'spacesAvailable')).toHaveLength(33);
      expect(statuses.filter((status) => status === 'closed')).toHaveLength(4);
      expect(statuses.filter((status) => status === 'full')).toHaveLength(1);
    });

    it('rejects the 1970 placeholder times', () => {
      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_TIMESTAMP, 'parkingFacilityStatus[19].parkingFacilityStatusTime'],
        [RejectionCode.INVALID_TIMESTAMP, 'parkingFacilityStatus[32].parkingFacilityStatusTime'],
      ]);
      expect(result.problems[0].message).toContain('1970-01-01T00:00:00.000Z');
      expect(result.problems[0].details.value).toBe('1970-01-01T01:00:00.000+01:00');
    });

    it('counts statusUnknown as missing', () => {
      expect(result.missing).toBe(9);
      expect(result.records.some((record) => record.featureKey === '78319431')).toBe(false);
    });
  });

  describe('parkingStatusPublication', () => {
    it('reads occupancy and site status', () => {
      const result = sut.decode(utf8Bytes(recordStatusPublication(SITE_STATUS)), ctx);
      const values = result.records.map((record) => [record.field, record.value, record.unit]);

      expect(result.features).toEqual([{ key: 'PH19' }]);
      expect(values).toEqual([
        ['free_spaces', 0, undefined],
        ['occupied_spaces', 120, undefined],
        ['capacity', 120, undefined],
        ['occupancy_rate', 100, '%'],
        ['status', 'full', undefined],
      ]);
      expect(result.records[0].timeMs).toBe(Date.parse('2025-07-18T06:41:01.434Z'));
      expect(result.records[4].position).toBe('parkingRecordStatus[0].parkingSiteStatus');
      expect(result.problems).toEqual([]);
    });

    it('uses the publication time without an origin time', () => {
      const record = SITE_STATUS.replace(
        /<ns3:parkingStatusOriginTime>.*<\/ns3:parkingStatusOriginTime>/,
        '',
      );
      const result = sut.decode(utf8Bytes(recordStatusPublication(record)), ctx);

      expect(result.records[0].timeMs).toBe(Date.parse('2025-07-18T06:42:00Z'));
    });

    it('scales a fractional occupancy', () => {
      const record = SITE_STATUS.replace('>100.0<', '>0.25<');
      const result = sut.decode(utf8Bytes(recordStatusPublication(record)), {
        ...ctx,
        options: { occupancyFraction: true },
      });

      expect(recordsOf(result, 'PH19', 'occupancy_rate')[0].value).toBe(25);
    });

    it('reads a DATEX II v3 payload', () => {
      const v3 =
        '<messageContainer xmlns="http://datex2.eu/schema/3/messageContainer" xmlns:com="http://datex2.eu/schema/3/common" ' +
        'xmlns:par="http://datex2.eu/schema/3/parking" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        '<payload xsi:type="par:ParkingStatusPublication" lang="de"><com:publicationTime>2025-06-17T13:18:01.739+02:00</com:publicationTime>' +
        '<par:parkingRecordStatus xsi:type="par:ParkingSiteStatus"><par:parkingRecordReference id="de:1:parkhaus" version="1"/>' +
        '<par:parkingOccupancy><par:parkingNumberOfVacantSpaces>50</par:parkingNumberOfVacantSpaces></par:parkingOccupancy>' +
        '</par:parkingRecordStatus></payload></messageContainer>';
      const result = sut.decode(utf8Bytes(v3), ctx);

      expect(result.records).toEqual([
        {
          featureKey: 'de:1:parkhaus',
          field: 'free_spaces',
          value: 50,
          timeMs: Date.parse('2025-06-17T11:18:01.739Z'),
          position: 'parkingRecordStatus[0].parkingNumberOfVacantSpaces',
        },
      ]);
    });
  });

  describe('facility table', () => {
    it('reads name, location and capacity', () => {
      const result = sut.decode(utf8Bytes(FACILITY_TABLE), ctx);

      expect(result.features).toEqual([
        {
          key: 'P-1',
          name: 'Parkhaus Mitte',
          geometry: { type: 'Point', coordinates: [8.6512, 49.8728] },
          properties: { capacity: 420 },
        },
        { key: 'P-2', name: 'Tiefgarage Süd' },
      ]);
      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_PAYLOAD, 'parkingFacility[1].totalParkingCapacity'],
      ]);
    });

    it('reads the table from tableFile', () => {
      const dir = mkdtempSync(join(tmpdir(), 'datex2-'));
      try {
        const tableFile = join(dir, 'static.xml');
        writeFileSync(tableFile, FACILITY_TABLE);
        const status = facilityStatusPublication(
          facilityStatus('P-1', '<totalNumberOfVacantParkingSpaces>17</totalNumberOfVacantParkingSpaces>'),
        );
        const result = sut.decode(utf8Bytes(status), { ...ctx, options: { tableFile } });

        expect(result.features.map((feature) => [feature.key, feature.name])).toEqual([
          ['P-1', 'Parkhaus Mitte'],
          ['P-2', 'Tiefgarage Süd'],
        ]);
        expect(problemSummary(result)).toEqual([
          [RejectionCode.INVALID_PAYLOAD, 'static.xml: parkingFacility[1].totalParkingCapacity'],
        ]);
        expect(result.records.map((record) => [record.featureKey, record.value])).toEqual([['P-1', 17]]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rejects an unreadable tableFile', () => {
      const run = () =>
        sut.decode(utf8Bytes(FACILITY_TABLE), { ...ctx, options: { tableFile: '/nonexistent/static.xml' } });

      expect(run).toThrow(AppError);
      expect(run).toThrow('options.tableFile');
    });
  });

  describe('problems', () => {
    it.each([
      [
        'a count that is no integer',
        facilityStatus(
          'A',
          '<parkingFacilityStatusTime>2024-05-01T10:00:00Z</parkingFacilityStatusTime><totalNumberOfVacantParkingSpaces>12.5</totalNumberOfVacantParkingSpaces>',
        ),
        RejectionCode.INVALID_PAYLOAD,
        'parkingFacilityStatus[0].totalNumberOfVacantParkingSpaces',
      ],
      [
        'an unknown status',
        facilityStatus('A', '<parkingFacilityStatus>halfEmpty</parkingFacilityStatus>'),
        RejectionCode.INVALID_PAYLOAD,
        'parkingFacilityStatus[0].parkingFacilityStatus',
      ],
      [
        'a time in the future',
        facilityStatus(
          'A',
          '<parkingFacilityStatusTime>2030-01-01T00:00:00Z</parkingFacilityStatusTime><parkingFacilityStatus>open</parkingFacilityStatus>',
        ),
        RejectionCode.FUTURE_TIMESTAMP,
        'parkingFacilityStatus[0].parkingFacilityStatusTime',
      ],
      [
        'a local time in the spring gap',
        facilityStatus(
          'A',
          '<parkingFacilityStatusTime>2024-03-31T02:30:00</parkingFacilityStatusTime><parkingFacilityStatus>open</parkingFacilityStatus>',
        ),
        RejectionCode.INVALID_TIMESTAMP,
        'parkingFacilityStatus[0].parkingFacilityStatusTime',
      ],
      [
        'a status without reference',
        '<parkingFacilityStatus><parkingFacilityStatus>open</parkingFacilityStatus></parkingFacilityStatus>',
        RejectionCode.INVALID_PAYLOAD,
        'parkingFacilityStatus[0]',
      ],
    ])('reports %s', (_label, status, code, position) => {
      const result = sut.decode(utf8Bytes(facilityStatusPublication(status)), ctx);

      expect(problemSummary(result)).toEqual([[code, position]]);
    });

    it('reads a local time in the time zone', () => {
      const status = facilityStatus(
        'A',
        '<parkingFacilityStatusTime>2024-10-27T02:30:00</parkingFacilityStatusTime><parkingFacilityStatus>open</parkingFacilityStatus>',
      );
      const result = sut.decode(utf8Bytes(facilityStatusPublication(status)), ctx);

      expect(result.records[0].timeMs).toBe(Date.UTC(2024, 9, 27, 0, 30));
    });

    it('rejects malformed XML', () => {
      const error = catchRejection(() => sut.decode(utf8Bytes('<d2LogicalModel><payloadPublication>'), ctx));

      expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
      expect(error.message).toContain('datex2.xml');
    });

    it('rejects XML without parking publication', () => {
      const error = catchRejection(() =>
        sut.decode(utf8Bytes(genericPublication('<measuredDataPublication/>')), ctx),
      );

      expect(error.code).toBe(RejectionCode.UNSUPPORTED_FORMAT);
      expect(error.message).toContain('parkingStatusPublication');
    });

    it('rejects unknown options', () => {
      const run = () => sut.decode(utf8Bytes(FACILITY_TABLE), { ...ctx, options: { tablefile: 'x.xml' } });

      expect(run).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }));
    });
  });
});

function catchRejection(run: () => unknown): RejectionError {
  try {
    run();
  } catch (error) {
    if (error instanceof RejectionError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a RejectionError');
}
