import { RejectionCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import { readCsvTable } from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';
import { GtfsColumns } from './gtfs-columns';
import { readGtfsStop } from './gtfs-stop.reader';

const FORMAT = 'GTFS stops.txt';

const optionsSchema = z
  .object({
    locationTypes: z
      .array(z.number().int().min(0).max(4))
      .min(1)
      .default([0, 1])
      .describe(
        'location_type values that become features: 0 stop or platform, 1 station, 2 entrance, 3 node, 4 boarding area.',
      ),
  })
  .strict();

/**
 * Decodes the stops.txt of an unzipped GTFS Schedule feed (source `file: <feed>/stops.txt`)
 * into one feature per stop. The key is stop_id (the DHID `de:06411:4734:62:62` in German
 * feeds), the name stop_name and the location stop_lat and stop_lon. stop_code, stop_desc,
 * parent_station, platform_code, level_id, zone_id and location_type become properties.
 * Columns are read by name, as feeds order them freely. It yields no records: the realtime
 * decoders gtfs-rt-trip-updates and vdv454-trips read the rest of the feed (routes, trips,
 * stop_times, calendar) through their option `staticFeed` and name and place their features
 * from the same stops.
 */
export class GtfsStaticDecoder implements SourceDecoder {
  readonly name = 'gtfs-static';
  readonly description = 'GTFS Schedule stops.txt: one feature per stop or station with its location.';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ',' });
    const columns = new GtfsColumns(table.header);
    if (!columns.has('stop_id')) {
      throw unsupportedInput(
        FORMAT,
        `has the header '${table.header.join(',')}' without stop_id; point the source to stops.txt.`,
      );
    }

    const selectedTypes = new Set(options.locationTypes);
    const result = new SourceResultCollector();
    for (const row of table.rows) {
      const stop = readGtfsStop(row, columns, (message, column, value) =>
        result.reject(RejectionCode.INVALID_PAYLOAD, message, `line ${row.line}, column "${column}"`, value),
      );
      if (stop === undefined || !selectedTypes.has(stop.locationType)) {
        continue;
      }
      const added = result.addFeature({
        key: stop.stopId,
        ...(stop.name === undefined ? {} : { name: stop.name }),
        ...(stop.geometry === undefined ? {} : { geometry: stop.geometry }),
        properties: stop.properties,
      });
      if (!added) {
        result.reject(
          RejectionCode.INVALID_PAYLOAD,
          `The stop_id '${stop.stopId}' appears twice; the first row is kept, so make stop ids unique in the feed.`,
          `line ${row.line}, column "stop_id"`,
          stop.stopId,
        );
      }
    }

    return result.build();
  }
}
