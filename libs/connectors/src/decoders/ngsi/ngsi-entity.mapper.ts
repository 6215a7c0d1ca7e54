import { RejectionCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import type { SourceResultCollector } from '../common/source-result.collector';
import {
  isJsonObject,
  parseSourceTimeOrIntervalEnd,
  readGeoJsonGeometry,
} from '../common/source-value.parser';
import type { SourceDecodeContext, SourceFeature } from '../source-decoder.interface';
import {
  NGSI_DEFAULT_ATTRIBUTES,
  NGSI_ENTITY_TIME_ATTRIBUTES,
  type NgsiAttributeSpec,
} from './ngsi-attribute.table';
import { convertValue } from './ngsi-value.converter';

/** One attribute, read from either NGSI representation. */
export interface NgsiAttribute {
  /** The value with JSON-LD value objects (`{"@type": "DateTime", "@value": …}`) unwrapped. */
  value: unknown;
  unitCode?: unknown;
  /** The attribute's own observation time (`observedAt`, or NGSI v2 metadata) and its member. */
  time?: { member: string; raw: unknown };
}

export interface NgsiEntity {
  id: unknown;
  type: unknown;
  attributes: Map<string, NgsiAttribute>;
  /** `entities[3]`, for positions. */
  position: string;
}

export const NGSI_OPTIONS = z
  .object({
    attributes: z
      .record(
        z.string().min(1),
        z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower snake case field name'),
      )
      .default({})
      .describe(
        'Further attributes to read, attribute name → field name; replaces a default mapping of the same attribute.',
      ),
    missingTime: z
      .enum(['reject', 'now'])
      .default('reject')
      .describe('Values without any time: reject (a problem per entity) or now (the fetch time, ctx.nowMs).'),
  })
  .strict();

export type NgsiOptions = z.output<typeof NGSI_OPTIONS>;

/**
 * Adds a feature per entity (key = entity id, name, location, type and address) and a record
 * per mapped attribute. The time of a value is the attribute's own time, else the entity's
 * dateObserved, observationDateTime, TimeInstant or dateModified (an interval gives its end),
 * else per options.missingTime. A null value counts as missing.
 */
export function addNgsiEntities(
  entities: NgsiEntity[],
  ctx: SourceDecodeContext,
  options: NgsiOptions,
  collector: SourceResultCollector,
): void {
  const table = attributeTable(options);
  for (const entity of entities) {
    if (typeof entity.id !== 'string' || entity.id === '') {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        'The entity has no string id.',
        `${entity.position}.id`,
        entity.id ?? null,
      );
      continue;
    }
    collector.addFeature(describeEntity(entity.id, entity));
    addEntityRecords(entity.id, entity, table, ctx, options, collector);
  }
}

function attributeTable(options: NgsiOptions): Map<string, NgsiAttributeSpec> {
  const table = new Map(NGSI_DEFAULT_ATTRIBUTES);
  for (const [attribute, field] of Object.entries(options.attributes)) {
    table.set(attribute, { field, kind: 'any' });
  }

  return table;
}

function describeEntity(key: string, entity: NgsiEntity): SourceFeature {
  const feature: SourceFeature = { key };
  const name = entity.attributes.get('name')?.value;
  if (typeof name === 'string' && name !== '') {
    feature.name = name;
  }

  const geometry = readGeoJsonGeometry(entity.attributes.get('location')?.value);
  if (geometry !== undefined) {
    feature.geometry = geometry;
  }

  const properties: Record<string, string> = {};
  if (typeof entity.type === 'string') {
    properties.entity_type = entity.type;
  }
  const address = entity.attributes.get('address')?.value;
  if (isJsonObject(address)) {
    for (const [member, property] of [
      ['streetAddress', 'street_address'],
      ['postalCode', 'postal_code'],
      ['addressLocality', 'address_locality'],
      ['addressCountry', 'address_country'],
    ]) {
      if (typeof address[member] === 'string') {
        properties[property] = address[member];
      }
    }
  }
  if (Object.keys(properties).length > 0) {
    feature.properties = properties;
  }

  return feature;
}

function addEntityRecords(
  key: string,
  entity: NgsiEntity,
  table: Map<string, NgsiAttributeSpec>,
  ctx: SourceDecodeContext,
  options: NgsiOptions,
  collector: SourceResultCollector,
): void {
  const entityTime = readEntityTime(entity, ctx, collector);
  const untimed: string[] = [];

  for (const [name, spec] of table) {
    const attribute = entity.attributes.get(name);
    if (attribute === undefined) {
      continue;
    }
    if (attribute.value === null) {
      collector.countMissing();
      continue;
    }

    const position = `${entity.position}.${name}`;
    const converted = convertValue(spec, attribute, position, collector);
    if (converted === undefined) {
      continue;
    }

    let timeMs: number | undefined;
    if (attribute.time !== undefined) {
      const { member, raw } = attribute.time;
      timeMs = collector.attempt(`${position}.${member}`, raw, () =>
        parseSourceTimeOrIntervalEnd(raw, ctx, member),
      );
      if (timeMs === undefined) {
        continue;
      }
    } else if (entityTime.state === 'read') {
      timeMs = entityTime.timeMs;
    } else if (entityTime.state === 'invalid') {
      continue;
    } else if (options.missingTime === 'now') {
      timeMs = ctx.nowMs;
    } else {
      untimed.push(name);
      continue;
    }

    collector.addRecord({ featureKey: key, field: spec.field, ...converted, timeMs, position });
  }

  if (untimed.length > 0) {
    collector.reject(
      RejectionCode.INVALID_TIMESTAMP,
      `The entity has values (${untimed.join(', ')}) but no time: no observedAt and no ` +
        `${NGSI_ENTITY_TIME_ATTRIBUTES.join(', ')}; set options.missingTime to now to use the fetch time.`,
      entity.position,
      key,
    );
  }
}

type EntityTime = { state: 'read'; timeMs: number } | { state: 'invalid' } | { state: 'absent' };

function readEntityTime(
  entity: NgsiEntity,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): EntityTime {
  for (const member of NGSI_ENTITY_TIME_ATTRIBUTES) {
    const raw = entity.attributes.get(member)?.value;
    if (raw === undefined || raw === null) {
      continue;
    }

    const timeMs = collector.attempt(`${entity.position}.${member}`, raw, () =>
      parseSourceTimeOrIntervalEnd(raw, ctx, member),
    );

    return timeMs === undefined ? { state: 'invalid' } : { state: 'read', timeMs };
  }

  return { state: 'absent' };
}
