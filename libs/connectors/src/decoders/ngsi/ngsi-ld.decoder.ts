import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject } from '../common/source-value.parser';
import type { SourceDecodeContext, SourceDecoder, SourceDecodeResult } from '../source-decoder.interface';
import { addNgsiEntities, NGSI_OPTIONS, type NgsiAttribute, type NgsiEntity } from './ngsi-entity.mapper';
import { listNgsiEntities } from './ngsi-entity.list';

const NAME = 'ngsi-ld';

/** NGSI-LD attribute types; an object of another `type` (a GeoJSON Point, say) is a keyValues value. */
const LD_ATTRIBUTE_TYPES: ReadonlySet<string> = new Set([
  'Property',
  'GeoProperty',
  'Relationship',
  'LanguageProperty',
  'VocabProperty',
  'ListProperty',
  'ListRelationship',
  'JsonProperty',
]);

/**
 * NGSI-LD entities as a context broker (Orion-LD, Scorpio, Stellio) returns or notifies them:
 * one entity, an array of entities, or a notification `{ "type": "Notification", "data": [...] }`.
 * Both the normalized and the keyValues (concise values) representation are read, each
 * attribute in the representation it has. A Property gives `value`, `unitCode` and `observedAt`; a
 * multi-attribute gives its default instance (without datasetId), else its first. JSON-LD
 * value objects such as `{"@type": "DateTime", "@value": …}` are unwrapped.
 *
 * Fields and times: see addNgsiEntities and NGSI_DEFAULT_ATTRIBUTES (free_spaces, capacity,
 * status, no2, pm10, pm2_5, temperature, fill_level in % from the 0..1 fillingLevel, …).
 */
export class NgsiLdDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description =
    'NGSI-LD entities (normalized or keyValues) of the Smart Data Models for parking, air quality and waste';
  readonly optionsSchema = NGSI_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(NGSI_OPTIONS, ctx.options, NAME);
    const document = parseJsonInput(input, NAME);
    const listed = listNgsiEntities(document, isNotification(document) ? (document.data ?? null) : undefined);
    if (listed === undefined) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is neither an NGSI-LD entity, an array of entities nor a notification with data; check the query URL.`,
      );
    }

    const collector = new SourceResultCollector();
    const entities = listed.map(({ entity, position }) => readLdEntity(entity, position));
    addNgsiEntities(entities, ctx, options, collector);

    return collector.build();
  }
}

function isNotification(document: unknown): document is JsonObject & { data: unknown } {
  return isJsonObject(document) && document.type === 'Notification';
}

function readLdEntity(entity: JsonObject, position: string): NgsiEntity {
  const attributes = new Map<string, NgsiAttribute>();
  for (const [name, raw] of Object.entries(entity)) {
    if (name !== 'id' && name !== 'type' && name !== '@context') {
      attributes.set(name, readLdAttribute(raw));
    }
  }

  return { id: entity.id, type: entity.type, attributes, position };
}

function readLdAttribute(raw: unknown): NgsiAttribute {
  const instance =
    Array.isArray(raw) && raw.length > 0 && raw.every(isLdAttribute)
      ? (raw.find((candidate) => candidate.datasetId === undefined) ?? raw[0])
      : raw;
  if (!isLdAttribute(instance)) {
    return { value: unwrapJsonLdValue(instance) };
  }

  const attribute: NgsiAttribute = {
    value: unwrapJsonLdValue(instance.type === 'Relationship' ? instance.object : instance.value),
  };
  if (instance.unitCode !== undefined) {
    attribute.unitCode = instance.unitCode;
  }
  if (instance.observedAt !== undefined) {
    attribute.time = { member: 'observedAt', raw: instance.observedAt };
  }

  return attribute;
}

function isLdAttribute(value: unknown): value is JsonObject {
  return isJsonObject(value) && typeof value.type === 'string' && LD_ATTRIBUTE_TYPES.has(value.type);
}

/** Returns the `@value` of a JSON-LD value object, else the value itself. */
export function unwrapJsonLdValue(value: unknown): unknown {
  return isJsonObject(value) && '@value' in value ? value['@value'] : value;
}
