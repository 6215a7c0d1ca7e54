import type { DatastreamDto, DatastreamPatch, DeviceDto, RegistryService } from '@stadtdaten/registry';
import type { ExportedRegistry } from '../export/registry-export';
import type { ExportDeviceType } from '../export/registry-tables';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';

type CatalogDocument = Record<string, unknown[]>;

/**
 * Recreates an exported registry through catalog documents and datastream patches, the only
 * ways the registry changes, and then compares the result with the export. Throws
 * IMPORT_MISMATCH listing every difference that remains.
 *
 * A datastream of a field that its device's type no longer has (retired when the type lost
 * the field) cannot come from the type. So such a device is first applied with an interim
 * type, `<type>-import`, that also has those fields. Applying the device with its real type
 * afterwards retires those datastreams again, as they were.
 */
export async function restoreRegistry(registry: RegistryService, exported: ExportedRegistry): Promise<void> {
  const orphans = orphanFields(exported);
  // The export contains the device types that the analytics service registered (analytics-*).
  const options = { allowDerivedTypes: true };
  if (orphans.size > 0) {
    await registry.applyCatalog(catalogOf(exported, orphans), options);
  }
  await registry.applyCatalog(catalogOf(exported, new Map()), options);
  await patchDifferences(registry, exported);

  const problems = await compareRegistry(registry, exported);
  if (problems.length > 0) {
    throw new OpenDataError(
      OpenDataErrorCode.IMPORT_MISMATCH,
      `the imported registry of tenant "${exported.tenant.id}" differs from the export in ${problems.length} place(s); delete the target data folder before another import:\n${problems
        .slice(0, 20)
        .map((problem) => `- ${problem}`)
        .join('\n')}`,
      { details: { problems } },
    );
  }
}

/** Datastreams per device whose field is not a field of the device's type. */
function orphanFields(exported: ExportedRegistry): Map<string, DatastreamDto[]> {
  const typeFields = new Map(exported.deviceTypes.map((type) => [type.id, new Set(type.fields.map((field) => field.field))]));
  const devices = new Map(exported.devices.map((device) => [device.id, device]));
  const orphans = new Map<string, DatastreamDto[]>();
  for (const datastream of exported.datastreams) {
    const device = devices.get(datastream.deviceId);
    if (device !== undefined && !typeFields.get(device.deviceTypeId)?.has(datastream.field)) {
      orphans.set(device.id, [...(orphans.get(device.id) ?? []), datastream]);
    }
  }

  return orphans;
}

function catalogOf(exported: ExportedRegistry, orphans: Map<string, DatastreamDto[]>): CatalogDocument {
  const { tenant } = exported;

  return {
    tenants: [{ id: tenant.id, name: tenant.name, storageProfile: tenant.storageProfile }],
    observedProperties: exported.observedProperties.map((property) => ({ ...property })),
    deviceTypes: [...exported.deviceTypes, ...importTypes(exported, orphans)].map(deviceTypeEntry),
    things: exported.things.map((thing) => ({
      tenant: thing.tenant,
      id: thing.id,
      name: thing.name,
      description: thing.description,
      useCase: thing.useCase,
      location: thing.location,
      ...(thing.properties === null || thing.properties === undefined ? {} : { properties: thing.properties }),
    })),
    devices: exported.devices.map((device) => {
      if (orphans.has(device.id)) {
        return deviceEntry(device, exported.datastreams, importTypeId(device.deviceTypeId));
      }
      // Fields the type no longer has get no override: the registry retires their datastreams itself.
      const fields = new Set(exported.deviceTypes.find((type) => type.id === device.deviceTypeId)?.fields.map((field) => field.field));

      return deviceEntry(device, exported.datastreams.filter((datastream) => fields.has(datastream.field)), device.deviceTypeId);
    }),
  };
}

/** Builds one interim type per device type with orphan datastreams: its fields plus every orphan field of its devices. */
function importTypes(exported: ExportedRegistry, orphans: Map<string, DatastreamDto[]>): ExportDeviceType[] {
  const devices = new Map(exported.devices.map((device) => [device.id, device]));
  const byType = new Map<string, ExportDeviceType>();
  for (const [deviceId, datastreams] of orphans) {
    const typeId = devices.get(deviceId)!.deviceTypeId;
    const type = byType.get(typeId) ?? { ...exported.deviceTypes.find((candidate) => candidate.id === typeId)! };
    const fields = [...type.fields];
    for (const datastream of datastreams) {
      if (!fields.some((field) => field.field === datastream.field)) {
        fields.push({
          field: datastream.field,
          observedProperty: datastream.observedProperty.id,
          unit: datastream.unit.code,
          type: datastream.valueSchema.type,
          ...(datastream.valueSchema.min === undefined ? {} : { min: datastream.valueSchema.min }),
          ...(datastream.valueSchema.max === undefined ? {} : { max: datastream.valueSchema.max }),
        });
      }
    }
    byType.set(typeId, { ...type, fields });
  }

  return [...byType.values()].map((type) => ({ ...type, id: importTypeId(type.id) }));
}

/** Id of the interim device type; device type ids have at most 63 characters. */
function importTypeId(typeId: string): string {
  return `${typeId.slice(0, 56)}-import`;
}

function deviceTypeEntry(type: ExportDeviceType) {
  return {
    id: type.id,
    tenant: type.tenant,
    name: type.name,
    payloadFormat: type.payloadFormat,
    ...(type.codec === null ? {} : { codec: type.codec }),
    ...(type.timeZone === null ? {} : { timeZone: type.timeZone }),
    fields: type.fields,
  };
}

function deviceEntry(device: DeviceDto, datastreams: DatastreamDto[], typeId: string) {
  const own = datastreams.filter((datastream) => datastream.deviceId === device.id);

  return {
    tenant: device.tenant,
    id: device.id,
    type: typeId,
    thing: device.thingId,
    name: device.name,
    description: device.description,
    classification: device.classification,
    ...(device.retentionDays === null ? {} : { retentionDays: device.retentionDays }),
    ...(device.storageProfile === null ? {} : { storageProfile: device.storageProfile }),
    ...(device.ownerPseudonym === null ? {} : { ownerPseudonym: device.ownerPseudonym }),
    datastreams: Object.fromEntries(
      own.map((datastream) => [
        datastream.field,
        {
          name: datastream.name,
          description: datastream.description,
          classification: datastream.classification,
          storageProfile: datastream.storageProfile,
          retired: datastream.retired,
          ...(datastream.retentionDays === null ? {} : { retentionDays: datastream.retentionDays }),
        },
      ]),
    ),
  };
}

const PATCHABLE = ['name', 'description', 'classification', 'retentionDays', 'valueSchema', 'retired'] as const;

/** Patches what a catalog cannot set: a datastream without retention under a device with one, a changed value schema. */
async function patchDifferences(registry: RegistryService, exported: ExportedRegistry): Promise<void> {
  const current = new Map((await registry.listDatastreams(exported.tenant.id)).map((datastream) => [datastream.id, datastream]));
  for (const wanted of exported.datastreams) {
    const stored = current.get(wanted.id);
    if (stored === undefined) {
      continue;
    }
    const patch: DatastreamPatch = {};
    for (const key of PATCHABLE) {
      if (JSON.stringify(stored[key]) !== JSON.stringify(wanted[key])) {
        Object.assign(patch, { [key]: wanted[key] });
      }
    }
    if (Object.keys(patch).length > 0) {
      await registry.patchDatastream(exported.tenant.id, wanted.id, patch);
    }
  }
}

/** Lists every difference between the registry and the export, as `<kind> <id>: <field>`. */
export async function compareRegistry(registry: RegistryService, exported: ExportedRegistry): Promise<string[]> {
  const tenant = exported.tenant.id;
  const problems: string[] = [];
  const compare = <T extends { id: string }>(kind: string, wanted: T[], actual: T[]) => {
    const actualById = new Map(actual.map((entry) => [entry.id, entry]));
    for (const entry of wanted) {
      const found = actualById.get(entry.id);
      if (found === undefined) {
        problems.push(`${kind} ${entry.id}: missing`);
        continue;
      }
      for (const key of Object.keys(entry) as Array<keyof T>) {
        if (JSON.stringify(found[key]) !== JSON.stringify(entry[key])) {
          problems.push(`${kind} ${entry.id}: ${String(key)} is ${JSON.stringify(found[key])}, expected ${JSON.stringify(entry[key])}`);
        }
      }
      actualById.delete(entry.id);
    }
    for (const extra of actualById.keys()) {
      problems.push(`${kind} ${extra}: not in the export`);
    }
  };
  compare('thing', exported.things, await registry.listThings(tenant));
  compare('device', exported.devices, await registry.listDevices(tenant));
  compare('datastream', exported.datastreams, await registry.listDatastreams(tenant));

  return problems;
}
