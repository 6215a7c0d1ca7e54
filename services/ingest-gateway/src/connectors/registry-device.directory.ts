import { Injectable } from '@nestjs/common';
import type { DeviceDirectory, FeatureRegistration } from '@stadtdaten/connectors';
import { RegistryService } from '@stadtdaten/registry';

/** Device lookups and registrations of connectors, through the registry's catalog. */
@Injectable()
export class RegistryDeviceDirectory implements DeviceDirectory {
  constructor(private readonly registry: RegistryService) {}

  async existingDevices(tenant: string, deviceIds: readonly string[]): Promise<Set<string>> {
    const wanted = new Set(deviceIds);
    const devices = await this.registry.listDevices(tenant);

    return new Set(devices.map((device) => device.id).filter((id) => wanted.has(id)));
  }

  async checkMapping(tenant: string, deviceType: string, targetFields: readonly string[] | undefined): Promise<string[]> {
    if ((await this.registry.getTenant(tenant)) === undefined) {
      const known = (await this.registry.listTenants()).map((entry) => entry.id);
      return [`tenant "${tenant}" is not in the registry; use one of ${known.join(', ') || '(none yet: apply a catalog)'}`];
    }
    const type = await this.registry.getDeviceType(tenant, deviceType);
    if (type === undefined) {
      return [`mapping.deviceType "${deviceType}" is not a device type of tenant "${tenant}"; add it to the catalog or correct the name`];
    }
    const missing = (targetFields ?? []).filter((field) => !type.fields.includes(field));

    return missing.map(
      (field) => `mapping.fields maps to "${field}", which device type "${deviceType}" does not have; use one of ${type.fields.join(', ')}`,
    );
  }

  async register(tenant: string, entries: readonly FeatureRegistration[]): Promise<void> {
    await this.registry.applyCatalog({
      things: entries.map((entry) => ({
        tenant,
        id: entry.deviceId,
        name: (entry.feature.name ?? entry.feature.key).slice(0, 200),
        description: entry.feature.description?.slice(0, 4000),
        useCase: entry.useCase,
        location: entry.feature.geometry,
        properties: { ...entry.feature.properties, source: entry.connector, sourceKey: entry.feature.key },
      })),
      devices: entries.map((entry) => ({
        tenant,
        id: entry.deviceId,
        type: entry.deviceType,
        thing: entry.deviceId,
        ...(entry.classification === undefined ? {} : { classification: entry.classification }),
      })),
    });
  }
}
