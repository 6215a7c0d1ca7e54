import { basename } from 'node:path';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { readOptionFile } from '../common/option-file.reader';
import { decodeUtf8Input, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import type { SourceDecodeContext, SourceDecoder, SourceDecodeResult } from '../source-decoder.interface';
import { addParkingStatusRecords } from './datex2-parking-status.reader';
import {
  addParkingTableFeatures,
  type Datex2Publication,
  findParkingPublications,
} from './datex2-parking-table.reader';
import { parseXmlDocument } from './datex2-xml.reader';

const NAME = 'datex2-parking';

export const DATEX2_PARKING_OPTIONS = z
  .object({
    tableFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Path of a DATEX II table publication (parkingFacilityTablePublication or parkingTablePublication) ' +
          'that describes the facilities of a status-only feed; read on every run.',
      ),
    occupancyFraction: z
      .boolean()
      .default(false)
      .describe(
        'true when the supplier sends the occupancy as 0..1 instead of the DATEX II percentage 0..100.',
      ),
  })
  .strict();

/**
 * DATEX II parking publications, as German cities publish them on the Mobilithek:
 *
 * - v2.0 `parkingFacilityTableStatusPublication` (parkingFacilityStatus records) and
 *   `parkingFacilityTablePublication` (parkingFacility table);
 * - v2.3 `parkingStatusPublication` (parkingRecordStatus) and `parkingTablePublication`
 *   (parkingRecord table), and the same publications in DATEX II v3, where the `payload`
 *   element names them in xsi:type.
 *
 * Table entries become features with name, point location and capacity. Status records give
 * free_spaces, occupied_spaces and capacity (counts), occupancy_rate (%) and status (text, the
 * DATEX II term with the highest rank in DATEX2_STATUS_PRECEDENCE; a lone `statusUnknown`
 * counts as missing). Times: the record's parkingFacilityStatusTime or parkingStatusOriginTime,
 * else the publicationTime. A time before 1990 (the epoch placeholder 1970-01-01 of unmaintained
 * facilities) rejects the whole record as INVALID_TIMESTAMP.
 */
export class Datex2ParkingDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description =
    'DATEX II v2/v3 parking: facility tables (features) and status publications ' +
    '(free_spaces, occupied_spaces, capacity, occupancy_rate, status)';
  readonly optionsSchema = DATEX2_PARKING_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(DATEX2_PARKING_OPTIONS, ctx.options, NAME);
    const collector = new SourceResultCollector();

    if (options.tableFile !== undefined) {
      const tablePublications = readPublications(
        readOptionFile(options.tableFile, NAME, 'tableFile'),
        options.tableFile,
      );
      addTables(tablePublications, collector, `${basename(options.tableFile)}: `);
    }

    const publications = readPublications(input, ctx.sourceName);
    addTables(publications, collector, '');
    for (const publication of publications) {
      if (publication.kind === 'facilityStatus' || publication.kind === 'recordStatus') {
        addParkingStatusRecords(publication, ctx, collector, options.occupancyFraction);
      }
    }

    return collector.build();
  }
}

function readPublications(input: Uint8Array, sourceName: string): Datex2Publication[] {
  const document = parseXmlDocument(decodeUtf8Input(input, NAME), `The ${NAME} input ${sourceName}`);
  const publications = findParkingPublications(document);
  if (publications.length === 0) {
    throw unsupportedInput(
      NAME,
      `${sourceName} contains no DATEX II parking publication (parkingFacilityTableStatusPublication, ` +
        'parkingStatusPublication, parkingFacilityTablePublication or parkingTablePublication); check the source URL.',
    );
  }

  return publications;
}

function addTables(
  publications: Datex2Publication[],
  collector: SourceResultCollector,
  positionPrefix: string,
) {
  for (const publication of publications) {
    if (publication.kind === 'facilityTable' || publication.kind === 'recordTable') {
      addParkingTableFeatures(publication, collector, positionPrefix);
    }
  }
}
