import { RejectionCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject, parseSourceTime } from '../common/source-value.parser';
import type {
  SourceDecodeContext,
  SourceDecoder,
  SourceDecodeResult,
  SourceGeometry,
} from '../source-decoder.interface';
import { describeEvse, describeLocation, readOcpiCoordinates } from './ocpi-location.features';
import { readOcpiStatus, unwrapOcpiEnvelope } from './ocpi-status.reader';

const NAME = 'ocpi-locations';

export const OCPI_LOCATIONS_OPTIONS = z
  .object({
    level: z
      .enum(['evse', 'location'])
      .default('evse')
      .describe(
        'evse: one feature per EVSE uid with its status; location: one feature per location with available_evses.',
      ),
  })
  .strict();

/**
 * OCPI 2.2 Locations as a CPO platform returns them (`GET /locations`, paged in an OCPI
 * response envelope) or as one Location object.
 *
 * level evse (default): one feature per EVSE, keyed by its `uid`, at the EVSE's coordinates or
 * else the location's, and a `status` record (the OCPI text, e.g. AVAILABLE) at the EVSE's
 * last_updated.
 *
 * level location: one feature per location id and an `available_evses` record (EVSEs with
 * status AVAILABLE) at the location's last_updated, which OCPI sets whenever one of its EVSEs
 * changes. The record is left out when an EVSE status is invalid, because the count would be
 * wrong. EVSEs with status REMOVED count as neither available nor present.
 */
export class OcpiLocationsDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description = 'OCPI 2.2 Locations: EVSE status per EVSE uid, or available_evses per location';
  readonly optionsSchema = OCPI_LOCATIONS_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(OCPI_LOCATIONS_OPTIONS, ctx.options, NAME);
    const data = unwrapOcpiEnvelope(parseJsonInput(input, NAME), NAME);
    const locations = listLocations(data);
    if (locations === undefined) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is neither an OCPI Location nor a list of Locations; check the URL.`,
      );
    }

    const collector = new SourceResultCollector();
    locations.forEach((location, index) => {
      const position = `locations[${index}]`;
      if (!isJsonObject(location) || typeof location.id !== 'string' || location.id === '') {
        const id = isJsonObject(location) ? (location.id ?? null) : location;
        collector.reject(
          RejectionCode.INVALID_PAYLOAD,
          'The location has no string id.',
          `${position}.id`,
          id,
        );

        return;
      }

      const geometry = readOcpiCoordinates(location.coordinates, `${position}.coordinates`, collector);
      if (options.level === 'evse') {
        addEvses(location, geometry, position, ctx, collector);
      } else {
        addLocation(location.id, location, geometry, position, ctx, collector);
      }
    });

    return collector.build();
  }
}

/**
 * Returns the Locations of a list, or a single Location (an object with evses or coordinates) as a
 * list of one.
 */
function listLocations(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) {
    return data;
  }
  if (isJsonObject(data) && (data.evses !== undefined || data.coordinates !== undefined)) {
    return [data];
  }

  return undefined;
}

function evsesOf(location: JsonObject): unknown[] {
  return Array.isArray(location.evses) ? location.evses : [];
}

function addEvses(
  location: JsonObject,
  locationGeometry: SourceGeometry | undefined,
  position: string,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): void {
  evsesOf(location).forEach((evse, index) => {
    const evsePosition = `${position}.evses[${index}]`;
    if (!isJsonObject(evse) || typeof evse.uid !== 'string' || evse.uid === '') {
      const uid = isJsonObject(evse) ? (evse.uid ?? null) : evse;
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        'The EVSE has no string uid.',
        `${evsePosition}.uid`,
        uid,
      );

      return;
    }

    const geometry =
      evse.coordinates === undefined
        ? locationGeometry
        : readOcpiCoordinates(evse.coordinates, `${evsePosition}.coordinates`, collector);
    collector.addFeature(describeEvse(evse.uid, evse, location, geometry));

    const status = readOcpiStatus(evse.status, `${evsePosition}.status`, collector);
    const rawTime = evse.last_updated ?? location.last_updated;
    const timePosition = `${evsePosition}.last_updated`;
    const timeMs = collector.attempt(timePosition, rawTime ?? null, () =>
      parseSourceTime(rawTime, ctx, 'last_updated'),
    );
    if (status !== undefined && timeMs !== undefined) {
      collector.addRecord({
        featureKey: evse.uid,
        field: 'status',
        value: status,
        timeMs,
        position: `${evsePosition}.status`,
      });
    }
  });
}

function addLocation(
  id: string,
  location: JsonObject,
  geometry: SourceGeometry | undefined,
  position: string,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): void {
  const statuses = evsesOf(location).map((evse, index) =>
    readOcpiStatus(
      isJsonObject(evse) ? evse.status : undefined,
      `${position}.evses[${index}].status`,
      collector,
    ),
  );
  const present = statuses.filter((status) => status !== 'REMOVED');
  collector.addFeature(describeLocation(id, location, geometry, present.length));
  if (present.length === 0 || statuses.includes(undefined)) {
    return;
  }

  const rawTime = location.last_updated;
  const timeMs = collector.attempt(`${position}.last_updated`, rawTime ?? null, () =>
    parseSourceTime(rawTime, ctx, 'last_updated'),
  );
  if (timeMs === undefined) {
    return;
  }

  const available = present.filter((status) => status === 'AVAILABLE').length;
  collector.addRecord({
    featureKey: id,
    field: 'available_evses',
    value: available,
    timeMs,
    position: `${position}.evses`,
  });
}
