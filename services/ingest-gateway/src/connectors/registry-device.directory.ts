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
