import type { StoredObservation, ValueType } from '@stadtdaten/contracts';
import type { DatastreamDto, DeviceDto, ThingDto } from '@stadtdaten/registry';
import type { EntityTypeName } from '@stadtdaten/sensorthings';
import { observationKey } from './observation-cursor';

/** Key of the entity type on a view object; a symbol, so filter paths and JSON never see it. */
export const ENTITY_TYPE = Symbol('sensorthings entity type');

/**
 * An entity as filters read it: SensorThings property names, the id under `@iot.id`, and
 * related entities under their navigation names (objects and arrays of views).
 */
export type StaView = Record<string, unknown> & { '@iot.id': string; [ENTITY_TYPE]: EntityTypeName };

const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/';

/** Observation type of each value type, and back (short names such as OM_Measurement are accepted too). */
export const OBSERVATION_TYPES: Readonly<Record<ValueType, string>> = {
  number: `${OM}OM_Measurement`,
  integer: `${OM}OM_CountObservation`,
  boolean: `${OM}OM_TruthObservation`,
  string: `${OM}OM_CategoryObservation`,
  object: `${OM}OM_Observation`,
  // A JWE result is a string that only the owning application can decrypt.
  jwe: `${OM}OM_Observation`,
};

export const GEOJSON_ENCODING = 'application/geo+json';

/** The registry entries one caller may see in one tenant. */
export interface GraphSource {
  things: ThingDto[];
  /** Readable datastreams, without retired ones. */
  datastreams: DatastreamDto[];
  devices: DeviceDto[];
  /** True when the caller belongs to the tenant, so things and devices without readable datastreams are listed too. */
  member: boolean;
}

/**
 * The SensorThings view of the registry for one request: Things, one Location and one
 * FeatureOfInterest per thing (both with the thing's id), Datastreams, Sensors (devices) and
 * ObservedProperties. Observations are not part of it; they are read from the store on demand.
 */
export class StaGraph {
  readonly datastreamDtos = new Map<string, DatastreamDto>();
  readonly deviceDtos = new Map<string, DeviceDto>();
  readonly thingDtos = new Map<string, ThingDto>();
  private readonly views = new Map<EntityTypeName, Map<string, StaView>>();

  all(type: EntityTypeName): StaView[] {
    return [...(this.views.get(type)?.values() ?? [])];
  }

  get(type: EntityTypeName, id: string): StaView | undefined {
    return this.views.get(type)?.get(id);
  }

  /** Returns the FeatureOfInterest of a datastream's observations: the location of its thing. */
  featureOfInterestOf(datastream: StaView): StaView | undefined {
    const thing = datastream.Thing as StaView | undefined;

    return thing === undefined ? undefined : this.get('FeatureOfInterest', thing['@iot.id']);
  }

  add(type: EntityTypeName, view: Omit<StaView, typeof ENTITY_TYPE>): StaView {
    const typed = { ...view, [ENTITY_TYPE]: type } as StaView;
    let views = this.views.get(type);
    if (views === undefined) {
      views = new Map();
      this.views.set(type, views);
    }
    views.set(typed['@iot.id'], typed);

    return typed;
  }
}

export function buildGraph(source: GraphSource): StaGraph {
  const graph = new StaGraph();
  const withData = new Set(
    source.datastreams.flatMap((datastream) => [
      `thing:${datastream.thingId}`,
      `device:${datastream.deviceId}`,
    ]),
  );
  const things = source.things.filter((thing) => source.member || withData.has(`thing:${thing.id}`));
  const devices = source.devices.filter((device) => source.member || withData.has(`device:${device.id}`));

  for (const thing of things) {
    addThing(graph, thing);
  }
  for (const device of devices) {
    graph.deviceDtos.set(device.id, device);
    graph.add('Sensor', {
      '@iot.id': device.id,
      name: device.name,
      description: device.description,
      encodingType: 'application/json',
      metadata: {
        deviceType: device.deviceTypeId,
        payloadFormat: device.payloadFormat,
        ...(device.codec ? { codec: device.codec } : {}),
      },
      properties: { deviceType: device.deviceTypeId, thingId: device.thingId },
      Datastreams: [],
      MultiDatastreams: [],
    });
  }
  for (const datastream of source.datastreams) {
    addDatastream(graph, datastream);
  }

  return graph;
}

function addThing(graph: StaGraph, thing: ThingDto): void {
  graph.thingDtos.set(thing.id, thing);
  const view = graph.add('Thing', {
    '@iot.id': thing.id,
    name: thing.name,
    description: thing.description,
    properties: { ...thing.properties, useCase: thing.useCase },
    Locations: [],
    // NOTE: the registry keeps no history of locations, so no thing has HistoricalLocations.
    HistoricalLocations: [],
    Datastreams: [],
    MultiDatastreams: [],
  });
  const location = graph.add('Location', {
    '@iot.id': thing.id,
    name: thing.name,
    description: thing.description,
    encodingType: GEOJSON_ENCODING,
    location: thing.location,
    properties: {},
    Things: [view],
    HistoricalLocations: [],
  });
  (view.Locations as StaView[]).push(location);
  graph.add('FeatureOfInterest', {
    '@iot.id': thing.id,
    name: thing.name,
    description: thing.description,
    encodingType: GEOJSON_ENCODING,
    feature: thing.location,
    properties: {},
  });
}

function addDatastream(graph: StaGraph, datastream: DatastreamDto): void {
  const thing = graph.get('Thing', datastream.thingId);
  const sensor = graph.get('Sensor', datastream.deviceId);
  if (thing === undefined || sensor === undefined) {
    return;
  }
  const property = datastream.observedProperty;
  const observedProperty =
    graph.get('ObservedProperty', property.id) ??
    graph.add('ObservedProperty', {
      '@iot.id': property.id,
      name: property.name,
      definition: property.definition,
      description: property.description,
      properties: {},
      Datastreams: [],
      MultiDatastreams: [],
    });
  graph.datastreamDtos.set(datastream.id, datastream);
  const view = graph.add('Datastream', {
    '@iot.id': datastream.id,
    name: datastream.name,
    description: datastream.description,
    unitOfMeasurement: {
      name: datastream.unit.label.en,
      symbol: datastream.unit.symbol || datastream.unit.code,
      definition: `ucum:${datastream.unit.code}`,
    },
    observationType: OBSERVATION_TYPES[datastream.valueSchema.type],
    properties: {
      classification: datastream.classification,
      retentionDays: datastream.retentionDays,
      storageProfile: datastream.storageProfile,
      field: datastream.field,
      valueSchema: datastream.valueSchema,
      unitLabel: datastream.unit.label,
    },
    Thing: thing,
    Sensor: sensor,
    ObservedProperty: observedProperty,
  });
  (thing.Datastreams as StaView[]).push(view);
  (sensor.Datastreams as StaView[]).push(view);
  (observedProperty.Datastreams as StaView[]).push(view);
}

/** Builds the view of a stored observation, with its Datastream and FeatureOfInterest. */
export function observationView(graph: StaGraph, datastream: StaView, row: StoredObservation): StaView {
  return {
    '@iot.id': observationKey(datastream['@iot.id'], row.phenomenonTimeMs),
    phenomenonTime: new Date(row.phenomenonTimeMs).toISOString(),
    resultTime: new Date(row.resultTimeMs).toISOString(),
    result: row.result,
    ...(row.qualityFlags.length > 0 ? { resultQuality: row.qualityFlags } : {}),
    parameters: { observationId: row.id, receivedTime: new Date(row.receivedAtMs).toISOString() },
    Datastream: datastream,
    FeatureOfInterest: graph.featureOfInterestOf(datastream) ?? null,
    MultiDatastream: null,
    [ENTITY_TYPE]: 'Observation',
  };
}
