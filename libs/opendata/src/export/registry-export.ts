import type { DatastreamDto, DeviceDto, TenantDto, ThingDto } from '@stadtdaten/registry';
import { csvLine } from '../formats/text-observation.writers';
import { type ManifestFile, writeChecksummedText } from './checksummed-file';
import { ExportFiles } from './export-paths';
import type { ExportDeviceType, ExportObservedProperty } from './registry-tables';

/** The registry of one tenant as an export contains it. */
export interface ExportedRegistry {
  tenant: TenantDto;
  things: ThingDto[];
  devices: DeviceDto[];
  datastreams: DatastreamDto[];
  deviceTypes: ExportDeviceType[];
  observedProperties: ExportObservedProperty[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const csv = (header: string[], rows: unknown[][]) => [header, ...rows].map(csvLine).join('');

/** Writes the registry as JSON (the form import reads) and CSV (for spreadsheets), and the locations as GeoJSON. */
export async function writeRegistryFiles(root: string, registry: ExportedRegistry): Promise<ManifestFile[]> {
  const { things, devices, datastreams, deviceTypes, observedProperties } = registry;
  const files: Array<[string, string]> = [
    [ExportFiles.TENANT, json(registry.tenant)],
    [ExportFiles.THINGS_JSON, json(things)],
    [ExportFiles.THINGS_CSV, thingsCsv(things)],
    [ExportFiles.DEVICES_JSON, json(devices)],
    [ExportFiles.DEVICES_CSV, devicesCsv(devices)],
    [ExportFiles.DATASTREAMS_JSON, json(datastreams)],
    [ExportFiles.DATASTREAMS_CSV, datastreamsCsv(datastreams)],
    [ExportFiles.DEVICE_TYPES_JSON, json(deviceTypes)],
    [ExportFiles.DEVICE_TYPES_CSV, deviceTypesCsv(deviceTypes)],
    [ExportFiles.OBSERVED_PROPERTIES_JSON, json(observedProperties)],
    [ExportFiles.OBSERVED_PROPERTIES_CSV, observedPropertiesCsv(observedProperties)],
    [ExportFiles.LOCATIONS, json(locations(things))],
  ];
  const written: ManifestFile[] = [];
  for (const [path, text] of files) {
    written.push(await writeChecksummedText(root, path, text));
  }

  return written;
}

function thingsCsv(things: ThingDto[]): string {
  return csv(
    ['tenant', 'id', 'name', 'description', 'use_case', 'geometry_type', 'longitude', 'latitude', 'location_geojson', 'properties_json'],
    things.map((thing) => {
      const point = thing.location.type === 'Point' ? (thing.location.coordinates as number[]) : [];

      return [
        thing.tenant,
        thing.id,
        thing.name,
        thing.description,
        thing.useCase,
        thing.location.type,
        point[0],
        point[1],
        JSON.stringify(thing.location),
        JSON.stringify(thing.properties ?? {}),
      ];
    }),
  );
}

function devicesCsv(devices: DeviceDto[]): string {
  return csv(
    ['tenant', 'id', 'name', 'description', 'device_type', 'thing', 'payload_format', 'codec', 'time_zone', 'classification', 'retention_days', 'storage_profile', 'owner_pseudonym'],
    devices.map((device) => [
      device.tenant,
      device.id,
      device.name,
      device.description,
      device.deviceTypeId,
      device.thingId,
      device.payloadFormat,
      device.codec,
      device.timeZone,
      device.classification,
      device.retentionDays,
      device.storageProfile,
      device.ownerPseudonym,
    ]),
  );
}

function datastreamsCsv(datastreams: DatastreamDto[]): string {
  return csv(
    ['tenant', 'id', 'name', 'description', 'thing', 'device', 'field', 'observed_property', 'unit', 'unit_symbol', 'value_type', 'min', 'max', 'classification', 'retention_days', 'storage_profile', 'retired'],
    datastreams.map((datastream) => [
      datastream.tenant,
      datastream.id,
      datastream.name,
      datastream.description,
      datastream.thingId,
      datastream.deviceId,
      datastream.field,
      datastream.observedProperty.id,
      datastream.unit.code,
      datastream.unit.symbol,
      datastream.valueSchema.type,
      datastream.valueSchema.min,
      datastream.valueSchema.max,
      datastream.classification,
      datastream.retentionDays,
      datastream.storageProfile,
      datastream.retired,
    ]),
  );
}

function deviceTypesCsv(deviceTypes: ExportDeviceType[]): string {
  return csv(
    ['tenant', 'id', 'name', 'payload_format', 'codec', 'time_zone', 'field', 'observed_property', 'unit', 'value_type', 'min', 'max', 'description'],
    deviceTypes.flatMap((type) =>
      type.fields.map((field) => [
        type.tenant,
        type.id,
        type.name,
        type.payloadFormat,
        type.codec,
        type.timeZone,
        field.field,
        field.observedProperty,
        field.unit,
        field.type,
        field.min,
        field.max,
        field.description,
      ]),
    ),
  );
}

function observedPropertiesCsv(properties: ExportObservedProperty[]): string {
  return csv(
    ['id', 'name', 'definition', 'description'],
    properties.map((property) => [property.id, property.name, property.definition, property.description]),
  );
}

/** Builds a GeoJSON FeatureCollection of the things (WGS 84) with id, name and use case as properties. */
function locations(things: ThingDto[]) {
  return {
    type: 'FeatureCollection',
    features: things.map((thing) => ({
      type: 'Feature',
      id: thing.id,
      geometry: thing.location,
      properties: { tenant: thing.tenant, id: thing.id, name: thing.name, useCase: thing.useCase, datastreamIds: thing.datastreamIds },
    })),
  };
}
