import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
} from '../common/source-decoder-spec.fixtures';
import type { SourceDecodeResult } from '../source-decoder.interface';
import { GtfsRtTripUpdatesDecoder } from './gtfs-rt-trip-updates.decoder';

/** The JSON TripUpdate of the sample, with protobuf field names. */
interface JsonTripUpdate {
  timestamp: number;
  trip: {
    trip_id: string;
    route_id: string;
    direction_id: number;
    start_date: string;
    schedule_relationship: number;
  };
  stop_time_update: {
    stop_sequence: number;
    schedule_relationship: number;
    stop_id: string;
    arrival: { time: number; delay: number | null };
    departure: { time: number; delay: number | null };
  }[];
}

const SAMPLE_FOLDER = 'gtfs-rt-vdv454';
const SAMPLE_FILE = 'expected_gtfs-rt-tripupdate_13865-00024-1_HVG.json';

/** FeedMessage { header { version, timestamp }, entity { id "1", trip_update } } with gtfs-realtime.proto's field numbers. */
function encodeFeedMessage(update: JsonTripUpdate): Uint8Array {
  const writer = new BinaryWriter();
  writer.tag(1, WireType.LengthDelimited).fork();
  writer.tag(1, WireType.LengthDelimited).string('2.0').tag(3, WireType.Varint).uint64(update.timestamp);
  writer.join();
  writer.tag(2, WireType.LengthDelimited).fork();
  writer.tag(1, WireType.LengthDelimited).string('1').tag(3, WireType.LengthDelimited).fork();
  writer.tag(1, WireType.LengthDelimited).fork();
  writer.tag(1, WireType.LengthDelimited).string(update.trip.trip_id);
  writer.tag(3, WireType.LengthDelimited).string(update.trip.start_date);
  writer.tag(4, WireType.Varint).int32(update.trip.schedule_relationship);
  writer.tag(5, WireType.LengthDelimited).string(update.trip.route_id);
  writer.tag(6, WireType.Varint).uint32(update.trip.direction_id);
  writer.join();
  for (const stop of update.stop_time_update) {
    writer.tag(2, WireType.LengthDelimited).fork();
    writer.tag(4, WireType.LengthDelimited).string(stop.stop_id);
    writer.tag(1, WireType.Varint).uint32(stop.stop_sequence);
    writer.tag(5, WireType.Varint).int32(stop.schedule_relationship);
    for (const [fieldNo, event] of [
      [2, stop.arrival],
      [3, stop.departure],
    ] as const) {
      writer.tag(fieldNo, WireType.LengthDelimited).fork();
      if (event.delay !== null) {
        writer.tag(1, WireType.Varint).int32(event.delay);
      }
      writer.tag(2, WireType.Varint).int64(event.time);
      writer.join();
    }
    writer.join();
  }
  writer.tag(4, WireType.Varint).uint64(update.timestamp);
  writer.join().join();

  return writer.finish();
}

function feedMessageJson(update: JsonTripUpdate): Uint8Array {
  return jsonInput({
    header: { gtfs_realtime_version: '2.0', timestamp: update.timestamp },
    entity: [{ id: '1', trip_update: update }],
  });
}

function recordTuples(result: SourceDecodeResult): Array<[string, string, unknown, string]> {
  return result.records.map(({ featureKey, field, value, timeMs }) => [
    featureKey,
    field,
    value,
    new Date(timeMs).toISOString(),
  ]);
}

describe(GtfsRtTripUpdatesDecoder.name, () => {
  const sut = new GtfsRtTripUpdatesDecoder();

  describeWithSamples('decode VBB trip update sample', (dir) => {
    const input = readSampleBytes(join(dir, SAMPLE_FOLDER, SAMPLE_FILE));
    const update = JSON.parse(readFileSync(join(dir, SAMPLE_FOLDER, SAMPLE_FILE), 'utf8')) as JsonTripUpdate;
    const result = sut.decode(input, makeSourceContext());

    it('returns one feature per line and stop', () => {
      expect(result.features).toHaveLength(22);
      expect(result.features[0]).toEqual({
        key: '10684_700/de:12063:900210771::1',
        name: '10684_700 – de:12063:900210771::1',
        properties: { route_id: '10684_700', stop_id: 'de:12063:900210771::1' },
      });
    });

    it('rejects the events without delay and without static feed', () => {
      expect(result.records).toHaveLength(42);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'stop_time_update[0].arrival'],
        ['INVALID_PAYLOAD', 'stop_time_update[21].departure'],
      ]);
      expect(result.problems[0].message).toContain('set options.staticFeed');
    });

    it('reads delays in seconds at the scheduled time', () => {
      const stop10 = result.records.filter((record) => record.position.startsWith('stop_time_update[10].'));

      expect(stop10).toEqual([
        {
          featureKey: '10684_700/de:12063:900210282::1',
          field: 'arrival_delay',
          value: -33,
          unit: 's',
          timeMs: Date.UTC(2024, 5, 27, 11, 42, 30),
          position: 'stop_time_update[10].arrival',
        },
        {
          featureKey: '10684_700/de:12063:900210282::1',
          field: 'departure_delay',
          value: 0,
          unit: 's',
          timeMs: Date.UTC(2024, 5, 27, 11, 42, 30),
          position: 'stop_time_update[10].departure',
        },
      ]);
    });

    it('never gives one datastream two values at one time', () => {
      const keys = result.records.map((record) => `${record.featureKey} ${record.field} ${record.timeMs}`);

      expect(new Set(keys).size).toBe(keys.length);
    });

    it('returns the same records for protobuf as for JSON', () => {
      const fromJson = sut.decode(feedMessageJson(update), makeSourceContext());
      const fromProtobuf = sut.decode(encodeFeedMessage(update), makeSourceContext());

      expect(fromProtobuf.records).toEqual(fromJson.records);
      expect(fromProtobuf.features).toEqual(fromJson.features);
      expect(problemSummary(fromProtobuf)).toEqual([
        ['INVALID_PAYLOAD', 'entity[0].trip_update.stop_time_update[0].arrival'],
        ['INVALID_PAYLOAD', 'entity[0].trip_update.stop_time_update[21].departure'],
      ]);
      expect(problemSummary(fromJson)).toEqual(problemSummary(fromProtobuf));
      expect(recordTuples(fromJson)).toEqual(recordTuples(result));
    });

    it('reads protobuf with option encoding', () => {
      const fromProtobuf = sut.decode(
        encodeFeedMessage(update),
        makeSourceContext({ options: { encoding: 'protobuf' } }),
      );

      expect(fromProtobuf.records).toHaveLength(42);
    });

    it('holds back events more than 5 minutes ahead', () => {
      const early = sut.decode(input, makeSourceContext({ nowMs: Date.UTC(2024, 5, 27, 11, 55) }));

      expect(early.records).toHaveLength(33);
      expect(early.records.at(-1)).toMatchObject({
        position: 'stop_time_update[16].departure',
        timeMs: Date.UTC(2024, 5, 27, 11, 58, 30),
      });
    });
  });

  describeWithSamples('decode with the DELFI static feed', (dir) => {
    const staticFeed = join(dir, 'gtfs', 'delfi-extract-ic-muenchen-berlin');
    const darmstadtArrival = (startDate: string | undefined, timeS: number) => ({
      header: { gtfs_realtime_version: '2.0', timestamp: timeS - 600 },
      entity: [
        {
          id: 'ic-2489005706',
          tripUpdate: {
            trip: { tripId: '2489005706', ...(startDate === undefined ? {} : { startDate }) },
            stopTimeUpdate: [
              { stopSequence: 6, arrival: { time: String(timeS) }, departure: { delay: 240 } },
              { stopId: 'de:11000:900007102:4:57', arrival: { time: timeS + 6 * 3600 } },
            ],
          },
        },
      ],
    });

    it('computes delays from stop_times after midnight', () => {
      const arrivalS = Date.UTC(2024, 9, 11, 0, 15) / 1000;
      const result = sut.decode(
        jsonInput(darmstadtArrival('20241010', arrivalS)),
        makeSourceContext({ options: { staticFeed } }),
      );

      expect(problemSummary(result)).toEqual([]);
      expect(recordTuples(result)).toEqual([
        ['162289_101/de:06411:4734:62:62', 'arrival_delay', 180, '2024-10-11T00:12:00.000Z'],
        ['162289_101/de:06411:4734:62:62', 'departure_delay', 240, '2024-10-11T00:15:00.000Z'],
        ['162289_101/de:11000:900007102:4:57', 'arrival_delay', 720, '2024-10-11T06:03:00.000Z'],
      ]);
      expect(result.features[0]).toEqual({
        key: '162289_101/de:06411:4734:62:62',
        name: '11 – Darmstadt Hauptbahnhof',
        geometry: { type: 'Point', coordinates: [8.629159, 49.873035] },
        properties: { route_id: '162289_101', stop_id: 'de:06411:4734:62:62' },
      });
    });

    it('finds the service day without start_date', () => {
      const arrivalS = Date.UTC(2024, 9, 11, 0, 15) / 1000;
      const result = sut.decode(
        jsonInput(darmstadtArrival(undefined, arrivalS)),
        makeSourceContext({ options: { staticFeed } }),
      );

      expect(result.records[0]).toMatchObject({ value: 180, timeMs: Date.UTC(2024, 9, 11, 0, 12) });
    });

    it('counts service time from noon on the autumn change', () => {
      const result = sut.decode(
        jsonInput(darmstadtArrival('20241026', Date.UTC(2024, 9, 27, 0, 12) / 1000)),
        makeSourceContext({ options: { staticFeed } }),
      );

      expect(recordTuples(result)[0]).toEqual([
        '162289_101/de:06411:4734:62:62',
        'arrival_delay',
        0,
        '2024-10-27T00:12:00.000Z',
      ]);
      expect(recordTuples(result)[2][3]).toBe('2024-10-27T06:03:00.000Z');
    });
  });

  describe('decode inline input', () => {
    const tempDirs: string[] = [];
    afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    it('counts cancelled trips, skipped stops and deleted entities as missing', () => {
      const input = jsonInput({
        header: { timestamp: '1719486620' },
        entity: [
          {
            id: 'a',
            trip_update: { trip: { trip_id: 't1', route_id: 'r', schedule_relationship: 'CANCELED' } },
          },
          {
            id: 'b',
            trip_update: {
              trip: { trip_id: 't2', route_id: 'r' },
              stop_time_update: [
                { stop_id: 's1', schedule_relationship: 'SKIPPED' },
                { stop_id: 's2', schedule_relationship: 2 },
                { stop_id: 's3', arrival: { delay: 60, time: '1719487080' } },
              ],
            },
          },
          { id: 'c', is_deleted: true },
        ],
      });
      const result = sut.decode(input, makeSourceContext());

      expect(result.missing).toBe(4);
      expect(recordTuples(result)).toEqual([['r/s3', 'arrival_delay', 60, '2024-06-27T11:17:00.000Z']]);
    });

    it('rejects trips without route and stops without id', () => {
      const input = jsonInput({
        entity: [
          { id: 'a', trip_update: { trip: { trip_id: 't1' }, stop_time_update: [{ stop_id: 's1' }] } },
          {
            id: 'b',
            trip_update: {
              trip: { trip_id: 't2', route_id: 'r', direction_id: 'north' },
              stop_time_update: [{ stop_sequence: 3, arrival: { delay: 5 } }],
            },
          },
          {
            id: 'c',
            trip_update: {
              trip: { route_id: 'r' },
              stop_time_update: [
                { stop_sequence: 3, arrival: { delay: 5 } },
                { stop_id: 's', arrival: {} },
              ],
            },
          },
        ],
      });
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'entity[1].trip_update.trip.direction_id'],
        ['INVALID_PAYLOAD', 'entity[0].trip_update.trip'],
        ['UNKNOWN_DEVICE', 'entity[2].trip_update.stop_time_update[0]'],
        ['INVALID_PAYLOAD', 'entity[2].trip_update.stop_time_update[1].arrival'],
      ]);
      expect(result.problems[3].message).toContain('neither delay nor time');
    });

    it('throws for bytes that are no FeedMessage', () => {
      expect(() => sut.decode(new Uint8Array([0x0a, 0xff, 0xff]), makeSourceContext())).toThrow(
        /not a valid protobuf FeedMessage/,
      );
      expect(() => sut.decode(jsonInput({ vehicles: [] }), makeSourceContext())).toThrow(
        /neither a FeedMessage/,
      );
    });

    it('throws for a static feed folder without feed files', () => {
      const folder = mkdtempSync(join(tmpdir(), 'gtfs-empty-'));
      tempDirs.push(folder);
      writeFileSync(join(folder, 'stops.txt'), 'stop_id\nA\n');

      expect(() =>
        sut.decode(jsonInput({ entity: [] }), makeSourceContext({ options: { staticFeed: folder } })),
      ).toThrow(
        /lacks agency.txt, routes.txt, trips.txt, stop_times.txt, calendar.txt or calendar_dates.txt/,
      );
    });

    it('throws for a static feed with a bad time', () => {
      const folder = mkdtempSync(join(tmpdir(), 'gtfs-bad-'));
      tempDirs.push(folder);
      const files: Record<string, string> = {
        'agency.txt':
          'agency_id,agency_name,agency_url,agency_timezone\n1,HEAG,https://heag.example,Europe/Berlin\n',
        'stops.txt': 'stop_id,stop_name,stop_lat,stop_lon\nA,Luisenplatz,49.87,8.65\n',
        'routes.txt': 'route_id,route_short_name,route_type\nR4,4,0\n',
        'trips.txt': 'route_id,service_id,trip_id\nR4,S,T1\n',
        'stop_times.txt':
          'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,8 Uhr,08:00:00,A,1\n',
        'calendar_dates.txt': 'service_id,date,exception_type\nS,20240627,1\n',
      };
      for (const [name, text] of Object.entries(files)) {
        writeFileSync(join(folder, name), text);
      }

      expect(() =>
        sut.decode(jsonInput({ entity: [] }), makeSourceContext({ options: { staticFeed: folder } })),
      ).toThrow(/stop_times.txt line 2: arrival_time '8 Uhr' is invalid; expected a time like 26:12:00/);
    });
  });
});
