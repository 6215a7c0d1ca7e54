import { type FilterNode, pathsOf } from './filter-ast';
import { invalidAt } from './query-option.errors';

export type EntityTypeName =
  | 'Thing'
  | 'Location'
  | 'HistoricalLocation'
  | 'Datastream'
  | 'MultiDatastream'
  | 'Sensor'
  | 'ObservedProperty'
  | 'Observation'
  | 'FeatureOfInterest';

/** `value`: compared as a whole; `json`: free JSON whose members a path may name, e.g. properties/owner. */
type PropertyKind = 'value' | 'json';

export interface NavigationProperty {
  target: EntityTypeName;
  /** True for an entity set (Datastreams), false for one entity (Thing). */
  many: boolean;
}

export interface EntityTypeDefinition {
  entitySet: string;
  properties: Readonly<Record<string, PropertyKind>>;
  navigation: Readonly<Record<string, NavigationProperty>>;
}

const one = (target: EntityTypeName): NavigationProperty => ({ target, many: false });
const many = (target: EntityTypeName): NavigationProperty => ({ target, many: true });

/** The entity types of SensorThings API 1.1 Part 1 (Sensing), with MultiDatastream. */
export const ENTITY_TYPES: Readonly<Record<EntityTypeName, EntityTypeDefinition>> = {
  Thing: {
    entitySet: 'Things',
    properties: { name: 'value', description: 'value', properties: 'json' },
    navigation: {
      Locations: many('Location'),
      HistoricalLocations: many('HistoricalLocation'),
      Datastreams: many('Datastream'),
      MultiDatastreams: many('MultiDatastream'),
    },
  },
  Location: {
    entitySet: 'Locations',
    properties: {
      name: 'value',
      description: 'value',
      encodingType: 'value',
      location: 'json',
      properties: 'json',
    },
    navigation: { Things: many('Thing'), HistoricalLocations: many('HistoricalLocation') },
  },
  HistoricalLocation: {
    entitySet: 'HistoricalLocations',
    properties: { time: 'value' },
    navigation: { Thing: one('Thing'), Locations: many('Location') },
  },
  Datastream: {
    entitySet: 'Datastreams',
    properties: {
      name: 'value',
      description: 'value',
      unitOfMeasurement: 'json',
      observationType: 'value',
      observedArea: 'json',
      phenomenonTime: 'value',
      resultTime: 'value',
      properties: 'json',
    },
    navigation: {
      Thing: one('Thing'),
      Sensor: one('Sensor'),
      ObservedProperty: one('ObservedProperty'),
      Observations: many('Observation'),
    },
  },
  MultiDatastream: {
    entitySet: 'MultiDatastreams',
    properties: {
      name: 'value',
      description: 'value',
      unitOfMeasurements: 'json',
      observationType: 'value',
      multiObservationDataTypes: 'json',
      observedArea: 'json',
      phenomenonTime: 'value',
      resultTime: 'value',
      properties: 'json',
    },
    navigation: {
      Thing: one('Thing'),
      Sensor: one('Sensor'),
      ObservedProperties: many('ObservedProperty'),
      Observations: many('Observation'),
    },
  },
  Sensor: {
    entitySet: 'Sensors',
    properties: {
      name: 'value',
      description: 'value',
      encodingType: 'value',
      metadata: 'json',
      properties: 'json',
    },
    navigation: { Datastreams: many('Datastream'), MultiDatastreams: many('MultiDatastream') },
  },
  ObservedProperty: {
    entitySet: 'ObservedProperties',
    properties: { name: 'value', definition: 'value', description: 'value', properties: 'json' },
    navigation: { Datastreams: many('Datastream'), MultiDatastreams: many('MultiDatastream') },
  },
  Observation: {
    entitySet: 'Observations',
    properties: {
      phenomenonTime: 'value',
      resultTime: 'value',
      result: 'json',
      resultQuality: 'json',
      validTime: 'value',
      parameters: 'json',
    },
    navigation: {
      Datastream: one('Datastream'),
      MultiDatastream: one('MultiDatastream'),
      FeatureOfInterest: one('FeatureOfInterest'),
    },
  },
  FeatureOfInterest: {
    entitySet: 'FeaturesOfInterest',
    properties: {
      name: 'value',
      description: 'value',
      encodingType: 'value',
      feature: 'json',
      properties: 'json',
    },
    navigation: { Observations: many('Observation') },
  },
};

/** Entity set name to entity type, e.g. Things → Thing. */
export const ENTITY_SETS: Readonly<Record<string, EntityTypeName>> = Object.fromEntries(
  Object.entries(ENTITY_TYPES).map(([type, definition]) => [definition.entitySet, type as EntityTypeName]),
);

/** Names of the id property; `id` and `@iot.id` name the same value. */
export const ID_PROPERTIES = new Set(['id', '@iot.id']);

/**
 * Decides whether a navigation may appear in a filter path. It returns the reason when the
 * navigation is not allowed, so that a server can reject paths it cannot serve, such as
 * Datastreams/Observations.
 */
export type NavigationCheck = (from: EntityTypeName, navigation: string) => string | undefined;

/** Checks every path of an expression against the data model of `type`; throws QueryOptionError naming the path. */
export function validatePaths(
  node: FilterNode,
  type: EntityTypeName,
  option: string,
  text: string,
  navigationCheck: NavigationCheck = () => undefined,
): void {
  for (const path of pathsOf(node)) {
    const problem = pathProblem(type, path.segments, navigationCheck);
    if (problem !== undefined) {
      throw invalidAt(option, text, path.position, problem, path.segments.join('/').length);
    }
  }
}

function pathProblem(
  type: EntityTypeName,
  segments: string[],
  navigationCheck: NavigationCheck,
): string | undefined {
  let current = type;
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index];
    const definition = ENTITY_TYPES[current];
    const navigation = definition.navigation[segment];
    if (navigation !== undefined) {
      const refused = navigationCheck(current, segment);
      if (refused !== undefined) {
        return refused;
      }
      if (index === segments.length - 1) {
        return `"${segments.join('/')}" ends at the navigation property ${segment}; name a property of ${navigation.target}, such as ${navigation.target}/id`;
      }
      current = navigation.target;
      continue;
    }
    if (ID_PROPERTIES.has(segment) || definition.properties[segment] === 'value') {
      return index === segments.length - 1
        ? undefined
        : `property ${segment} of ${current} has no member "${segments[index + 1]}"`;
    }
    if (definition.properties[segment] === 'json') {
      return undefined;
    }

    return `unknown property "${segment}" of ${current}; use one of ${describeMembers(current)}`;
  }

  return undefined;
}

/** Lists the properties and navigation properties of a type, for error messages. */
export function describeMembers(type: EntityTypeName): string {
  const definition = ENTITY_TYPES[type];

  return ['id', ...Object.keys(definition.properties), ...Object.keys(definition.navigation)].join(', ');
}
