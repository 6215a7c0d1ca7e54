import { In, type EntityManager } from 'typeorm';
import { DatastreamEntity } from '../entities/datastream.entity';
import { DeviceTypeEntity } from '../entities/device-type.entity';
import { DeviceEntity } from '../entities/device.entity';
import { ObservedPropertyEntity } from '../entities/observed-property.entity';
import { TenantEntity } from '../entities/tenant.entity';
import { ThingEntity } from '../entities/thing.entity';

/** Key of a tenant-scoped entity in the maps below. */
export function scopedKey(tenant: string, id: string): string {
  return `${tenant}\u0000${id}`;
}

/** The stored registry rows a catalog document can refer to or change. */
export interface StoredState {
  tenants: Map<string, TenantEntity>;
  observedProperties: Map<string, ObservedPropertyEntity>;
  /** Keyed by scopedKey(tenant, id), as are the maps below. */
  deviceTypes: Map<string, DeviceTypeEntity>;
  things: Map<string, ThingEntity>;
  devices: Map<string, DeviceEntity>;
  /** Datastreams grouped by scopedKey(tenant, deviceId). */
  datastreamsByDevice: Map<string, DatastreamEntity[]>;
}

/** Loads all tenants and observed properties, and the tenant-scoped rows of the given tenants. */
export async function loadStoredState(manager: EntityManager, tenantIds: string[]): Promise<StoredState> {
  const scope = { tenantId: In(tenantIds) };
  const [tenants, observedProperties, deviceTypes, things, devices, datastreams] = await Promise.all([
    manager.find(TenantEntity),
    manager.find(ObservedPropertyEntity),
    manager.find(DeviceTypeEntity, { where: scope }),
    manager.find(ThingEntity, { where: scope }),
    manager.find(DeviceEntity, { where: scope }),
    manager.find(DatastreamEntity, { where: scope }),
  ]);

  const datastreamsByDevice = new Map<string, DatastreamEntity[]>();
  for (const datastream of datastreams) {
    const key = scopedKey(datastream.tenantId, datastream.deviceId);
    const rows = datastreamsByDevice.get(key);
    if (rows === undefined) {
      datastreamsByDevice.set(key, [datastream]);
    } else {
      rows.push(datastream);
    }
  }

  return {
    tenants: new Map(tenants.map((row) => [row.id, row])),
    observedProperties: new Map(observedProperties.map((row) => [row.id, row])),
    deviceTypes: new Map(deviceTypes.map((row) => [scopedKey(row.tenantId, row.id), row])),
    things: new Map(things.map((row) => [scopedKey(row.tenantId, row.id), row])),
    devices: new Map(devices.map((row) => [scopedKey(row.tenantId, row.id), row])),
    datastreamsByDevice,
  };
}
