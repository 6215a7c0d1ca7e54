import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject, parseSourceTimeOrIntervalEnd } from '../common/source-value.parser';
import type { SourceDecodeContext, SourceDecoder, SourceDecodeResult } from '../source-decoder.interface';
import { describeDatastream, readUcumDefinition, stringId } from './sensorthings-datastream.reader';

const NAME = 'sensorthings-observations';
const FIELD = 'result';

/** `Datastreams(<id>)/Observations` in a request URL; the id may be quoted (string ids). */
const DATASTREAM_IN_URL = /Datastreams\((['"]?)([^)'"]+)\1\)\/Observations/;

export const SENSORTHINGS_OPTIONS = z
  .object({
    datastreamId: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Datastream id of an Observations page whose URL does not name one and whose observations do not expand it.',
      ),
  })
  .strict();

/**
 * OGC SensorThings API v1.1 collections, one page per call: an Observations page
 * (`{"@iot.nextLink", "value": [Observation…]}`) or a Datastreams page, optionally with the
 * FeatureOfInterest and the Observations expanded. `@iot.nextLink` becomes result.next, and
 * `@iot.count` is ignored because a server may report more than it pages.
 *
 * Feature key = Datastream @iot.id; each Observation gives a record of field `result` at its
 * phenomenonTime (the end of an interval). The datastream of an Observations page comes from
 * the expanded `Datastream` of each observation, else options.datastreamId, else the
 * `Datastreams(<id>)/Observations` part of ctx.sourceName. The unit is the UCUM code of the
 * datastream's unitOfMeasurement.definition (`ucum:Cel` → Cel) where the datastream is known.
 * A null result counts as missing; an object or array result is a problem.
 */
export class SensorThingsObservationsDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description =
    'OGC SensorThings API Observations or Datastreams pages (result per datastream, paged by @iot.nextLink)';
  readonly optionsSchema = SENSORTHINGS_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(SENSORTHINGS_OPTIONS, ctx.options, NAME);
    const page = parseJsonInput(input, NAME);
    if (!isJsonObject(page) || !Array.isArray(page.value)) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is not a SensorThings collection with a 'value' array; request a collection URL.`,
      );
    }

    const collector = new SourceResultCollector();
    const pageDatastreamId = options.datastreamId ?? DATASTREAM_IN_URL.exec(ctx.sourceName)?.[2];
    page.value.forEach((entity, index) => {
      const position = `value[${index}]`;
      if (!isJsonObject(entity)) {
        collector.reject(RejectionCode.INVALID_PAYLOAD, 'The entry is not a JSON object.', position, entity);
      } else if (isDatastream(entity)) {
        addDatastream(entity, position, ctx, collector);
      } else {
        addObservation(entity, position, pageDatastreamId, undefined, ctx, collector);
      }
    });

    const next = page['@iot.nextLink'];

    return collector.build(typeof next === 'string' && next !== '' ? next : undefined);
  }
}

function isDatastream(entity: JsonObject): boolean {
  return entity.unitOfMeasurement !== undefined || entity.observationType !== undefined;
}

function addDatastream(
  datastream: JsonObject,
  position: string,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
) {
  const feature = describeDatastream(datastream);
  if (feature === undefined) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      'The Datastream has no @iot.id.',
      `${position}.@iot.id`,
      datastream['@iot.id'] ?? null,
    );

    return;
  }
  collector.addFeature(feature);

  const observations = datastream.Observations;
  if (!Array.isArray(observations)) {
    return;
  }

  // NOTE: a per-datastream Observations@iot.nextLink is not followed; result.next contains one link only.
  const unit = readUcumDefinition(datastream.unitOfMeasurement);
  observations.forEach((observation, index) => {
    const observationPosition = `${position}.Observations[${index}]`;
    if (!isJsonObject(observation)) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        'The entry is not a JSON object.',
        observationPosition,
        observation,
      );

      return;
    }
    addObservation(observation, observationPosition, feature.key, unit, ctx, collector);
  });
}

function addObservation(
  observation: JsonObject,
  position: string,
  fallbackDatastreamId: string | undefined,
  fallbackUnit: string | undefined,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): void {
  const expanded = isJsonObject(observation.Datastream) ? observation.Datastream : undefined;
  const featureKey = stringId(expanded?.['@iot.id']) ?? fallbackDatastreamId;
  if (featureKey === undefined) {
    throw new RejectionError(
      RejectionCode.UNKNOWN_DEVICE,
      `${position}: the Observation names no Datastream; request .../Datastreams(<id>)/Observations, ` +
        'add $expand=Datastream($select=id,unitOfMeasurement), or set options.datastreamId.',
    );
  }
  if (expanded !== undefined) {
    const feature = describeDatastream(expanded);
    collector.addFeature(feature ?? { key: featureKey });
  } else {
    collector.addFeature({ key: featureKey });
  }

  const result = observation.result;
  if (result === null) {
    collector.countMissing();

    return;
  }
  if (typeof result !== 'number' && typeof result !== 'string' && typeof result !== 'boolean') {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `result must be a number, text or boolean, got ${JSON.stringify(result) ?? 'nothing'}.`,
      `${position}.result`,
      result ?? null,
    );

    return;
  }

  const rawTime = observation.phenomenonTime;
  const timeMs = collector.attempt(`${position}.phenomenonTime`, rawTime ?? null, () =>
    parseSourceTimeOrIntervalEnd(rawTime, ctx, 'phenomenonTime'),
  );
  if (timeMs === undefined) {
    return;
  }

  const unit = expanded === undefined ? fallbackUnit : readUcumDefinition(expanded.unitOfMeasurement);
  const record = { featureKey, field: FIELD, value: result, timeMs, position: `${position}.result` };
  collector.addRecord(unit === undefined ? record : { ...record, unit });
}
