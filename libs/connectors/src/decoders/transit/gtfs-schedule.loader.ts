import { AppError, ErrorCode, RejectionError } from '@stadtdaten/contracts';
import { IANAZone } from 'luxon';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CsvRow, readCsvTable } from '../common/csv-table.reader';
import { readOptionFile } from '../common/option-file.reader';
import { parseIntegerText } from '../common/source-value.parser';
import { GtfsColumns } from './gtfs-columns';
import {
  GtfsSchedule,
  type GtfsRoute,
  type GtfsService,
  type GtfsStopTime,
  type GtfsTrip,
  parseGtfsTime,
  parseServiceDate,
} from './gtfs-schedule';
import { type GtfsStop, readGtfsStop } from './gtfs-stop.reader';

const OPTION = 'staticFeed';
const REQUIRED_FILES = ['agency.txt', 'stops.txt', 'routes.txt', 'trips.txt', 'stop_times.txt'] as const;
const CALENDAR_FILES = ['calendar.txt', 'calendar_dates.txt'] as const;
const WEEKDAY_COLUMNS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

/** Loaded feeds by absolute folder, kept while the files' sizes and modification times stay the same. */
const loadedFeeds = new Map<string, { signature: string; schedule: GtfsSchedule }>();

/**
 * Loads the GTFS feed in `folder` (unzipped: agency.txt, stops.txt, routes.txt, trips.txt,
 * stop_times.txt and calendar.txt or calendar_dates.txt) and keeps it until a file changes,
 * so that a realtime connector polling every 30 s reads the feed once. Throws AppError
 * INVALID_CONFIG naming the file and line of the first problem, because delays computed
 * from a broken schedule would be wrong.
 */
export function loadGtfsSchedule(folder: string, decoderName: string): GtfsSchedule {
  const absoluteFolder = resolve(folder);
  const signature = feedSignature(absoluteFolder, decoderName);
  const loaded = loadedFeeds.get(absoluteFolder);
  if (loaded?.signature === signature) {
    return loaded.schedule;
  }

  // NOTE: the whole feed is held in memory; a Germany-wide feed needs an extract of the region.
  const reader = new FeedReader(absoluteFolder, decoderName);
  const trips = reader.readTrips();
  reader.readStopTimes(trips);
  const schedule = new GtfsSchedule(
    reader.readZone(),
    reader.readStops(),
    reader.readRoutes(),
    trips,
    reader.readServices(),
  );
  loadedFeeds.set(absoluteFolder, { signature, schedule });

  return schedule;
}

function feedSignature(folder: string, decoderName: string): string {
  const absent = REQUIRED_FILES.filter((file) => !existsSync(join(folder, file)));
  const calendars = CALENDAR_FILES.filter((file) => existsSync(join(folder, file)));
  if (absent.length > 0 || calendars.length === 0) {
    const missing = [...absent, ...(calendars.length === 0 ? ['calendar.txt or calendar_dates.txt'] : [])];
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `Decoder ${decoderName}: options.${OPTION} '${folder}' is not an unzipped GTFS feed, because it lacks ${missing.join(', ')}. ` +
        'Point it to the folder that holds the feed files.',
      { details: { decoder: decoderName, option: OPTION, path: folder, missing } },
    );
  }

  return [...REQUIRED_FILES, ...calendars]
    .map((file) => {
      const stats = statSync(join(folder, file));

      return `${file}:${stats.size}:${stats.mtimeMs}`;
    })
    .join('|');
}

/** Reads the files of one feed; every problem becomes AppError INVALID_CONFIG. */
class FeedReader {
  constructor(
    private readonly folder: string,
    private readonly decoderName: string,
  ) {}

  readZone(): IANAZone {
    const [first] = this.rows('agency.txt');
    const name = first === undefined ? '' : first.columns.cell(first.row, 'agency_timezone');
    const zone = IANAZone.create(name);
    if (!zone.isValid) {
      throw this.problem(
        'agency.txt',
        first?.row.line ?? 1,
        `agency_timezone '${name}' is invalid; expected an IANA time zone such as Europe/Berlin`,
      );
    }

    return zone;
  }

  /** Reads every stop. An unreadable position leaves the stop without location, which gtfs-static reports. */
  readStops(): Map<string, GtfsStop> {
    const stops = new Map<string, GtfsStop>();
    for (const { row, columns } of this.rows('stops.txt')) {
      const stop = readGtfsStop(row, columns, () => undefined);
      if (stop !== undefined) {
        stops.set(stop.stopId, stop);
      }
    }

    return stops;
  }

  readRoutes(): Map<string, GtfsRoute> {
    const routes = new Map<string, GtfsRoute>();
    for (const { row, columns } of this.rows('routes.txt')) {
      const routeId = this.required('routes.txt', row, columns, 'route_id');
      const shortName = columns.cell(row, 'route_short_name');
      const longName = columns.cell(row, 'route_long_name');
      routes.set(routeId, {
        routeId,
        ...(shortName === '' ? {} : { shortName }),
        ...(longName === '' ? {} : { longName }),
      });
    }

    return routes;
  }

  readTrips(): Map<string, GtfsTrip> {
    const trips = new Map<string, GtfsTrip>();
    for (const { row, columns } of this.rows('trips.txt')) {
      const tripId = this.required('trips.txt', row, columns, 'trip_id');
      const routeId = this.required('trips.txt', row, columns, 'route_id');
      const serviceId = this.required('trips.txt', row, columns, 'service_id');
      trips.set(tripId, { tripId, routeId, serviceId, stopTimes: [] });
    }

    return trips;
  }

  readStopTimes(trips: Map<string, GtfsTrip>): void {
    for (const { row, columns } of this.rows('stop_times.txt')) {
      const tripId = this.required('stop_times.txt', row, columns, 'trip_id');
      const trip = trips.get(tripId);
      if (trip === undefined) {
        throw this.problem('stop_times.txt', row.line, `trip_id '${tripId}' is not found in trips.txt`);
      }
      trip.stopTimes.push(this.readStopTime(row, columns));
    }
    for (const trip of trips.values()) {
      trip.stopTimes.sort((a, b) => a.stopSequence - b.stopSequence);
    }
  }

  readServices(): Map<string, GtfsService> {
    const services = new Map<string, GtfsService>();
    const serviceOf = (serviceId: string): GtfsService => {
      const service = services.get(serviceId) ?? {
        addedDates: new Set<string>(),
        removedDates: new Set<string>(),
      };
      services.set(serviceId, service);

      return service;
    };
    for (const { row, columns } of this.rows('calendar.txt', { optional: true })) {
      const service = serviceOf(this.required('calendar.txt', row, columns, 'service_id'));
      service.weekdays = WEEKDAY_COLUMNS.map((day) => columns.cell(row, day) === '1');
      service.startDate = this.date('calendar.txt', row, columns, 'start_date');
      service.endDate = this.date('calendar.txt', row, columns, 'end_date');
    }
    for (const { row, columns } of this.rows('calendar_dates.txt', { optional: true })) {
      const service = serviceOf(this.required('calendar_dates.txt', row, columns, 'service_id'));
      const date = this.date('calendar_dates.txt', row, columns, 'date');
      const exception = columns.cell(row, 'exception_type');
      if (exception !== '1' && exception !== '2') {
        throw this.problem(
          'calendar_dates.txt',
          row.line,
          `exception_type '${exception}' is invalid; expected 1 (added) or 2 (removed)`,
        );
      }
      (exception === '1' ? service.addedDates : service.removedDates).add(date);
    }

    return services;
  }

  private readStopTime(row: CsvRow, columns: GtfsColumns): GtfsStopTime {
    const stopSequence = parseIntegerText(columns.cell(row, 'stop_sequence'));
    if (stopSequence === undefined || stopSequence < 0) {
      throw this.problem(
        'stop_times.txt',
        row.line,
        `stop_sequence '${columns.cell(row, 'stop_sequence')}' is invalid; expected a whole number`,
      );
    }

    const stopTime: GtfsStopTime = {
      stopSequence,
      stopId: this.required('stop_times.txt', row, columns, 'stop_id'),
    };
    for (const [column, member] of [
      ['arrival_time', 'arrivalS'],
      ['departure_time', 'departureS'],
    ] as const) {
      const text = columns.cell(row, column);
      const seconds = text === '' ? undefined : parseGtfsTime(text);
      if (text !== '' && seconds === undefined) {
        throw this.problem(
          'stop_times.txt',
          row.line,
          `${column} '${text}' is invalid; expected a time like 26:12:00`,
        );
      }
      if (seconds !== undefined) {
        stopTime[member] = seconds;
      }
    }

    return stopTime;
  }

  private rows(file: string, options: { optional?: boolean } = {}): { row: CsvRow; columns: GtfsColumns }[] {
    const path = join(this.folder, file);
    if (options.optional === true && !existsSync(path)) {
      return [];
    }

    const bytes = readOptionFile(path, this.decoderName, OPTION);
    try {
      const table = readCsvTable(bytes, { format: `GTFS ${file}`, delimiter: ',' });
      const columns = new GtfsColumns(table.header);

      return table.rows.map((row) => ({ row, columns }));
    } catch (error) {
      if (error instanceof RejectionError) {
        throw this.problem(file, 1, error.message);
      }
      throw error;
    }
  }

  private required(file: string, row: CsvRow, columns: GtfsColumns, column: string): string {
    const value = columns.cell(row, column);
    if (value === '') {
      throw this.problem(file, row.line, `${column} is empty`);
    }

    return value;
  }

  private date(file: string, row: CsvRow, columns: GtfsColumns, column: string): string {
    const text = columns.cell(row, column);
    if (parseServiceDate(text) === undefined) {
      throw this.problem(file, row.line, `${column} '${text}' is invalid; expected a date like 20240627`);
    }

    return text;
  }

  private problem(file: string, line: number, problem: string): AppError {
    return new AppError(
      ErrorCode.INVALID_CONFIG,
      `Decoder ${this.decoderName}: options.${OPTION} feed ${this.folder}, ${file} line ${line}: ${problem}; ` +
        'correct the feed or point the option to a valid GTFS feed.',
      { details: { decoder: this.decoderName, option: OPTION, file, line } },
    );
  }
}
