import type { DatastreamDto, DeviceDto } from '@stadtdaten/registry';
import {
  type Body,
  invalidBody,
  referenceOf,
  requireOnly,
  textOf,
  thingOrDeviceId,
} from './sta-catalog-mapping';
import type { CatalogDocument, RegistryState } from './sta-catalog';

const DEVICE_TYPE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const STA_NOTE = 'a Datastream is a field of its Sensor, and a Sensor belongs to one Thing in this registry';

/** Finds or plans the device (and its own device type) behind a Sensor. */
export function sensorOf(
  catalog: CatalogDocument,
  tenant: string,
  body: Body,
  thingId: string,
  state: RegistryState,
): { device: Body; type: Body } {
  const reference = referenceOf(body);
  const id = reference ?? thingOrDeviceId(body['@iot.id'], 'Sensor');
  const planned = catalog.devices.find((device) => device.id === id);
  if (planned !== undefined) {
    if (planned.thing !== thingId) {
      throw invalidBody(`Sensor "${id}" belongs to Thing "${String(planned.thing)}": ${STA_NOTE}`);
    }

    return { device: planned, type: catalog.deviceTypes.find((type) => type.id === planned.type)! };
  }
  if (reference === undefined) {
    requireOnly(
      body,
      ['@iot.id', 'name', 'description', 'encodingType', 'metadata'],
      'a new Sensor',
      'a Sensor is described by its device type',
    );
    if (!DEVICE_TYPE_ID.test(id)) {
      throw invalidBody(
        `Sensor @iot.id "${id}" is invalid: use lower-case letters, digits, "_" and "-", or leave it out`,
      );
    }
    const name = textOf(body.name, 'Sensor name', true)!;

    return addSensor(
      catalog,
      tenant,
      id,
      thingId,
      name,
      textOf(body.description, 'Sensor description', false) ?? '',
      [],
    );
  }

  return existingSensor(catalog, tenant, id, thingId, state);
}

function existingSensor(
  catalog: CatalogDocument,
  tenant: string,
  id: string,
  thingId: string,
  state: RegistryState,
): { device: Body; type: Body } {
  const device = state.devices.find((candidate) => candidate.id === id);
  if (device === undefined) {
    throw invalidBody(`Sensor "${id}" not found`);
  }
  if (device.deviceTypeId !== device.id) {
    throw invalidBody(
      `Sensor "${id}" is a device of type "${device.deviceTypeId}", whose fields a catalog defines; add the field there, because ${STA_NOTE}`,
    );
  }
  if (device.thingId !== thingId) {
    throw invalidBody(`Sensor "${id}" belongs to Thing "${device.thingId}": ${STA_NOTE}`);
  }
  const datastreams = state.datastreams.filter((datastream) => datastream.deviceId === id);
  const fields = datastreams.map((datastream) => ({
    field: datastream.field,
    observedProperty: datastream.observedProperty.id,
    unit: datastream.unit.code,
    type: datastream.valueSchema.type,
    ...(datastream.valueSchema.min === undefined ? {} : { min: datastream.valueSchema.min }),
    ...(datastream.valueSchema.max === undefined ? {} : { max: datastream.valueSchema.max }),
    ...(datastream.valueSchema.recipientKid === undefined
      ? {}
      : { recipientKid: datastream.valueSchema.recipientKid }),
  }));
  const sensor = addSensor(catalog, tenant, id, thingId, device.name, device.description, fields);
  Object.assign(sensor.device, deviceDefaults(device));
  for (const datastream of datastreams) {
    (sensor.device.datastreams as Record<string, Body>)[datastream.field] = currentOverrides(datastream);
  }

  return sensor;
}

/** Returns the device settings to list again, so that a catalog entry of the device keeps them. */
export function deviceDefaults(device: DeviceDto): Body {
  return {
    classification: device.classification,
    ...(device.retentionDays === null ? {} : { retentionDays: device.retentionDays }),
    ...(device.storageProfile === null ? {} : { storageProfile: device.storageProfile }),
  };
}

/** Returns a datastream's current settings as overrides, so that listing its device again changes nothing. */
export function currentOverrides(datastream: DatastreamDto): Body {
  return {
    name: datastream.name,
    description: datastream.description,
    classification: datastream.classification,
    ...(datastream.retentionDays === null ? {} : { retentionDays: datastream.retentionDays }),
    storageProfile: datastream.storageProfile,
  };
}

function addSensor(
  catalog: CatalogDocument,
  tenant: string,
  id: string,
  thingId: string,
  name: string,
  description: string,
  fields: Body[],
) {
  const type: Body = { id, tenant, name, payloadFormat: 'json', fields };
  const device: Body = { tenant, id, type: id, thing: thingId, name, description, datastreams: {} };
  catalog.deviceTypes.push(type);
  catalog.devices.push(device);

  return { device, type };
}
