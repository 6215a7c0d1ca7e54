import { AppError, CLASSIFICATIONS, ErrorCode } from '@stadtdaten/contracts';
import {
  type Body,
  geometryOfLocation,
  invalidBody,
  objectOf,
  observedPropertyIdOf,
  referenceOf,
  requireOnly,
  textOf,
  thingOrDeviceId,
  unitCodeOf,
  useCaseOf,
  valueTypeOf,
} from './sta-catalog-mapping';
import type { CatalogDocument, InlineObservations, RegistryState } from './sta-catalog';
import { sensorOf } from './sta-sensor-plan';

/** Plans a new Thing with its Location and any inline Datastreams; returns the new thing's id. */
export function planThing(
  catalog: CatalogDocument,
  tenant: string,
  body: Body,
  state: RegistryState,
  inline: InlineObservations[],
): string {
  requireOnly(
    body,
    ['@iot.id', 'name', 'description', 'properties', 'Locations', 'Datastreams'],
    'a new Thing',
    'the registry keeps no history of locations and no MultiDatastreams',
  );
  const id = thingOrDeviceId(body['@iot.id'], 'Thing');
  if (state.things.some((thing) => thing.id === id) || catalog.things.some((thing) => thing.id === id)) {
    throw new AppError(
      ErrorCode.CONFLICT,
      `Thing "${id}" exists already; leave @iot.id out to get a new id, or PATCH the existing Thing`,
    );
  }
  const properties = body.properties === undefined ? {} : objectOf(body.properties, 'Thing properties');
  const { useCase: _useCase, ...rest } = properties;
  catalog.things.push({
    tenant,
    id,
    name: textOf(body.name, 'Thing name', true),
    description: textOf(body.description, 'Thing description', false) ?? '',
    useCase: useCaseOf(properties),
    location: locationOf(body.Locations, state),
    properties: rest,
  });
  const datastreams = body.Datastreams === undefined ? [] : body.Datastreams;
  if (!Array.isArray(datastreams)) {
    throw invalidBody('Thing "Datastreams" must be an array of Datastreams');
  }
  for (const datastream of datastreams) {
    planDatastream(catalog, tenant, objectOf(datastream, 'a Datastream of the Thing'), id, state, inline);
  }

  return id;
}

/** Reads the one Location a Thing has here: inline GeoJSON, or a reference to another Thing's Location. */
export function locationOf(value: unknown, state: RegistryState): Record<string, unknown> {
  if (!Array.isArray(value) || value.length !== 1) {
    throw invalidBody(
      'a Thing needs exactly one Location in "Locations", e.g. [{"name": "…", "encodingType": "application/geo+json", "location": {"type": "Point", "coordinates": [8.65, 49.87]}}]',
    );
  }
  const location = objectOf(value[0], 'the Location');
  const reference = referenceOf(location);
  if (reference === undefined) {
    return geometryOfLocation(location);
  }
  const thing = state.things.find((candidate) => candidate.id === reference);
  if (thing === undefined) {
    throw invalidBody(`Location "${reference}" not found; give the Location inline`);
  }

  return thing.location as unknown as Record<string, unknown>;
}

/**
 * Plans a new Datastream of a thing. The registry derives datastreams from device types, so a
 * new Sensor becomes a device with a device type of its own, both with the Sensor's id. Each
 * Datastream of that Sensor is a field of the type, named after the observed property.
 */
export function planDatastream(
  catalog: CatalogDocument,
  tenant: string,
  body: Body,
  thingId: string | undefined,
  state: RegistryState,
  inline: InlineObservations[],
): string {
  requireOnly(
    body,
    [
      'name',
      'description',
      'unitOfMeasurement',
      'observationType',
      'properties',
      'Thing',
      'Sensor',
      'ObservedProperty',
      'Observations',
    ],
    'a new Datastream',
    'observedArea, phenomenonTime and resultTime follow from the observations',
  );
  const thing = thingOfDatastream(catalog, tenant, body, thingId, state, inline);
  const settings = datastreamSettings(body.properties);
  const property = observedPropertyOf(
    catalog,
    objectOf(body.ObservedProperty, 'Datastream "ObservedProperty"'),
  );
  const sensor = sensorOf(catalog, tenant, objectOf(body.Sensor, 'Datastream "Sensor"'), thing, state);
  const unit = unitCodeOf(objectOf(body.unitOfMeasurement, 'Datastream "unitOfMeasurement"'));
  const fields = sensor.type.fields as Body[];
  let field = property;
  for (let suffix = 2; fields.some((candidate) => candidate.field === field); suffix += 1) {
    field = `${property}_${suffix}`;
  }
  fields.push({ field, observedProperty: property, unit, type: valueTypeOf(body.observationType) });
  (sensor.device.datastreams as Record<string, Body>)[field] = {
    name: textOf(body.name, 'Datastream name', true),
    description: textOf(body.description, 'Datastream description', false) ?? '',
    ...settings,
  };
  const datastreamId = `${sensor.device.id}.${field}`;
  if (body.Observations !== undefined) {
    if (!Array.isArray(body.Observations)) {
      throw invalidBody('Datastream "Observations" must be an array of Observations');
    }
    inline.push({ datastreamId, observations: body.Observations });
  }

  return datastreamId;
}

function thingOfDatastream(
  catalog: CatalogDocument,
  tenant: string,
  body: Body,
  thingId: string | undefined,
  state: RegistryState,
  inline: InlineObservations[],
): string {
  const given = body.Thing === undefined ? undefined : objectOf(body.Thing, 'Datastream "Thing"');
  if (thingId !== undefined) {
    if (given !== undefined && referenceOf(given) !== thingId) {
      throw invalidBody(`a Datastream created under Thing "${thingId}" cannot name another Thing`);
    }

    return thingId;
  }
  if (given === undefined) {
    throw invalidBody('a new Datastream needs "Thing": {"@iot.id": "<thing id>"} or a Thing given inline');
  }
  const reference = referenceOf(given);
  if (reference === undefined) {
    return planThing(catalog, tenant, given, state, inline);
  }
  if (
    !state.things.some((thing) => thing.id === reference) &&
    !catalog.things.some((thing) => thing.id === reference)
  ) {
    throw invalidBody(`Thing "${reference}" not found`);
  }

  return reference;
}

function datastreamSettings(value: unknown): Body {
  const properties = value === undefined ? {} : objectOf(value, 'Datastream properties');
  requireOnly(
    properties,
    ['classification', 'retentionDays'],
    'Datastream properties',
    'the registry stores only these two settings per datastream',
  );
  const settings: Body = {};
  if (properties.classification !== undefined) {
    if (!(CLASSIFICATIONS as readonly unknown[]).includes(properties.classification)) {
      throw invalidBody(`properties.classification must be one of ${CLASSIFICATIONS.join(', ')}`);
    }
    settings.classification = properties.classification;
  }
  if (properties.retentionDays !== undefined && properties.retentionDays !== null) {
    settings.retentionDays = properties.retentionDays;
  }

  return settings;
}

function observedPropertyOf(catalog: CatalogDocument, body: Body): string {
  const reference = referenceOf(body);
  if (reference !== undefined) {
    return reference;
  }
  requireOnly(
    body,
    ['@iot.id', 'name', 'definition', 'description'],
    'a new ObservedProperty',
    'observed properties have no further properties here',
  );
  const name = textOf(body.name, 'ObservedProperty name', true)!;
  const id = observedPropertyIdOf(body['@iot.id'], name);
  if (!catalog.observedProperties.some((property) => property.id === id)) {
    catalog.observedProperties.push({
      id,
      name,
      definition: textOf(body.definition, 'ObservedProperty definition', true),
      description: textOf(body.description, 'ObservedProperty description', false),
    });
  }

  return id;
}
