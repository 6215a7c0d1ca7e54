import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject } from '../common/source-value.parser';
import type { SourceDecodeContext, SourceDecoder, SourceDecodeResult } from '../source-decoder.interface';
import { addNgsiEntities, NGSI_OPTIONS, type NgsiAttribute, type NgsiEntity } from './ngsi-entity.mapper';
import { listNgsiEntities } from './ngsi-entity.list';

const NAME = 'ngsi-v2';

/** Metadata that carry an attribute's own time in NGSI v2, in order of preference. */
const TIME_METADATA: readonly string[] = ['TimeInstant', 'observedAt', 'dateObserved', 'dateModified'];

/**
 * NGSI v2 entities as Orion returns or notifies them: one entity, an array from
 * `GET /v2/entities`, or a notification `{ "subscriptionId": …, "data": [...] }`, in the
 * normalized (`{ "type", "value", "metadata" }` per attribute) or the keyValues representation.
 * An attribute's unitCode and time come from its metadata (`unitCode`, and `TimeInstant`,
 * `observedAt`, `dateObserved` or `dateModified`, the first present).
 *
 * Fields and times: see addNgsiEntities and NGSI_DEFAULT_ATTRIBUTES.
 */
export class NgsiV2Decoder implements SourceDecoder {
  readonly name = NAME;
  readonly description =
    'NGSI v2 entities (normalized or keyValues) of the Smart Data Models for parking, air quality and waste';
  readonly optionsSchema = NGSI_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(NGSI_OPTIONS, ctx.options, NAME);
    const document = parseJsonInput(input, NAME);
    const notificationData =
      isJsonObject(document) && document.subscriptionId !== undefined ? (document.data ?? null) : undefined;
    const listed = listNgsiEntities(document, notificationData);
    if (listed === undefined) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is neither an NGSI v2 entity, an array of entities nor a notification with data; check the query URL.`,
      );
    }

    const collector = new SourceResultCollector();
    const entities = listed.map(({ entity, position }) => readV2Entity(entity, position));
    addNgsiEntities(entities, ctx, options, collector);

    return collector.build();
  }
}

function readV2Entity(entity: JsonObject, position: string): NgsiEntity {
  const attributes = new Map<string, NgsiAttribute>();
  for (const [name, raw] of Object.entries(entity)) {
    if (name !== 'id' && name !== 'type') {
      attributes.set(name, readV2Attribute(raw));
    }
  }

  return { id: entity.id, type: entity.type, attributes, position };
}

function readV2Attribute(raw: unknown): NgsiAttribute {
  const normalized = isJsonObject(raw) && 'value' in raw && ('type' in raw || 'metadata' in raw);
  if (!normalized) {
    return { value: raw };
  }

  const attribute: NgsiAttribute = { value: raw.value };
  const metadata = isJsonObject(raw.metadata) ? raw.metadata : {};
  const unitCode = metadataValue(metadata.unitCode);
  if (unitCode !== undefined) {
    attribute.unitCode = unitCode;
  }
  const timeMember = TIME_METADATA.find((name) => metadataValue(metadata[name]) !== undefined);
  if (timeMember !== undefined) {
    attribute.time = { member: `metadata.${timeMember}`, raw: metadataValue(metadata[timeMember]) };
  }

  return attribute;
}

/** Returns the value of an NGSI v2 metadata item (`{ "type": …, "value": … }`), or undefined when absent. */
function metadataValue(item: unknown): unknown {
  const value = isJsonObject(item) ? item.value : item;

  return value === null ? undefined : value;
}
