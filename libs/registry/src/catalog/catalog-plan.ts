import type { Classification, ValueSchema } from '@stadtdaten/contracts';
import { DatastreamEntity } from '../entities/datastream.entity';
import { DeviceTypeEntity, type DeviceTypeField } from '../entities/device-type.entity';
import { DeviceEntity } from '../entities/device.entity';
import { ObservedPropertyEntity } from '../entities/observed-property.entity';
import { TenantEntity } from '../entities/tenant.entity';
import { ThingEntity } from '../entities/thing.entity';
import { datastreamIdOf } from '../vocabulary';
import type { CatalogDatastreamOverride, CatalogDevice, CatalogDocument } from './catalog.schema';
import { type CatalogPlan, ChangeSet } from './catalog-changes';
import { CatalogLookup, toDeviceTypeField, withoutUndefined } from './catalog-lookup';
import { scopedKey, type StoredState } from './catalog-state';

/** Classification used when neither the device nor an override sets one. It is internal, so nothing is published by accident. */
export const DEFAULT_CLASSIFICATION: Classification = 'internal';

/** The device settings a datastream inherits. */
interface DeviceDefaults {
  tenantId: string;
  id: string;
  thingId: string;
  classification: Classification;
  retentionDays: number | null;
  storageProfile: string | null;
}

/**
 * Computes the writes that make the registry match a valid catalog document. Entities the
 * document lists are created or updated, and a device's datastreams are derived from its
 * device type, its settings and its per-field overrides. Devices the document does not
 * list are changed only when the document changes the fields of their device type.
 */
export function planCatalog(document: CatalogDocument, stored: StoredState): CatalogPlan {
  return new CatalogPlanner(document, stored).plan();
}

class CatalogPlanner {
  private readonly changes = new ChangeSet();
  private readonly lookup: CatalogLookup;
  private readonly changedTypeFields = new Set<string>();

  constructor(
    private readonly document: CatalogDocument,
    private readonly stored: StoredState,
  ) {
    this.lookup = new CatalogLookup(document, stored);
  }

  plan(): CatalogPlan {
    this.planTenants();
    this.planObservedProperties();
    this.planDeviceTypes();
    this.planThings();
    const listed = this.planDevices();
    this.planDevicesOfChangedTypes(listed);

    return this.changes.result;
  }

  private planTenants(): void {
    for (const tenant of this.document.tenants) {
      const desired = { id: tenant.id, name: tenant.name, storageProfile: tenant.storageProfile };
      this.changes.upsert(
        TenantEntity,
        `tenant ${tenant.id}`,
        { id: tenant.id },
        this.stored.tenants.get(tenant.id),
        desired,
      );
    }
  }

  private planObservedProperties(): void {
    for (const property of this.document.observedProperties) {
      const desired = {
        id: property.id,
        name: property.name,
        definition: property.definition,
        description: property.description ?? '',
      };
      const existing = this.stored.observedProperties.get(property.id);
      this.changes.upsert(
        ObservedPropertyEntity,
        `observed property ${property.id}`,
        { id: property.id },
        existing,
        desired,
      );
    }
  }

  private planDeviceTypes(): void {
    for (const type of this.document.deviceTypes) {
      const key = scopedKey(type.tenant, type.id);
      const desired = {
        tenantId: type.tenant,
        id: type.id,
        name: type.name,
        payloadFormat: type.payloadFormat,
        codec: type.codec ?? null,
        timeZone: type.timeZone ?? null,
        fields: type.fields.map(toDeviceTypeField),
      };
      const existing = this.stored.deviceTypes.get(key);
      const changed = this.changes.upsert(
        DeviceTypeEntity,
        `device type ${type.tenant}/${type.id}`,
        { tenantId: type.tenant, id: type.id },
        existing,
        desired,
      );
      if (existing !== undefined && changed.includes('fields')) {
        this.changedTypeFields.add(key);
      }
    }
  }

  private planThings(): void {
    for (const thing of this.document.things) {
      const desired = {
        tenantId: thing.tenant,
        id: thing.id,
        name: thing.name,
        description: thing.description ?? '',
        useCase: thing.useCase,
        location: thing.location,
        properties: thing.properties ?? {},
      };
      const existing = this.stored.things.get(scopedKey(thing.tenant, thing.id));
      this.changes.upsert(
        ThingEntity,
        `thing ${thing.tenant}/${thing.id}`,
        { tenantId: thing.tenant, id: thing.id },
        existing,
        desired,
      );
    }
  }

  /** Plans the listed devices and their datastreams; returns their keys. */
  private planDevices(): Set<string> {
    const listed = new Set<string>();
    for (const device of this.document.devices) {
      const key = scopedKey(device.tenant, device.id);
      listed.add(key);
      const desired: DeviceDefaults & { deviceTypeId: string; name: string; description: string; ownerPseudonym: string | null } = {
        tenantId: device.tenant,
        id: device.id,
        deviceTypeId: device.type,
        thingId: device.thing,
        name: device.name ?? device.id,
        description: device.description ?? '',
        classification: device.classification ?? DEFAULT_CLASSIFICATION,
        retentionDays: device.retentionDays ?? null,
        storageProfile: device.storageProfile ?? null,
        ownerPseudonym: device.ownerPseudonym ?? null,
      };
      this.changes.upsert(
        DeviceEntity,
        `device ${device.tenant}/${device.id}`,
        { tenantId: device.tenant, id: device.id },
        this.stored.devices.get(key),
        { ...desired },
      );
      this.planDatastreams(desired, device.type, device);
    }

    return listed;
  }

  /** Re-derives the datastreams of stored, unlisted devices whose device type changed its fields. */
  private planDevicesOfChangedTypes(listed: Set<string>): void {
    for (const [key, device] of this.stored.devices) {
      const typeKey = scopedKey(device.tenantId, device.deviceTypeId);
      if (!listed.has(key) && this.changedTypeFields.has(typeKey)) {
        this.planDatastreams(device, device.deviceTypeId, undefined);
      }
    }
  }

  /**
   * Plans one device's datastreams. With `listedDevice` every attribute follows the
   * catalog; without it only the attributes that come from the device type are updated.
   * Datastreams of fields the type no longer has are retired, never deleted, because
   * stored observations refer to them.
   */
  private planDatastreams(
    device: DeviceDefaults,
    typeId: string,
    listedDevice: CatalogDevice | undefined,
  ): void {
    const fields = this.lookup.deviceTypeFields(device.tenantId, typeId);
    const existing = new Map(
      (this.stored.datastreamsByDevice.get(scopedKey(device.tenantId, device.id)) ?? []).map((row) => [
        row.field,
        row,
      ]),
    );

    for (const field of fields) {
      const current = existing.get(field.field);
      const override = listedDevice?.datastreams?.[field.field] ?? undefined;
      const desired =
        listedDevice === undefined && current !== undefined
          ? { ...typeAttributes(field), thingId: device.thingId }
          : this.deriveDatastream(device, field, override, current);
      const id = datastreamIdOf(device.id, field.field);
      this.changes.upsert(
        DatastreamEntity,
        `datastream ${device.tenantId}/${id}`,
        { tenantId: device.tenantId, id },
        current,
        desired,
      );
      existing.delete(field.field);
    }

    for (const orphan of existing.values()) {
      if (!orphan.retired) {
        this.changes.update(
          DatastreamEntity,
          { tenantId: orphan.tenantId, id: orphan.id },
          { retired: true },
          `retired datastream ${orphan.tenantId}/${orphan.id}: device type ${typeId} has no field "${orphan.field}"`,
        );
      }
    }
  }

  private deriveDatastream(
    device: DeviceDefaults,
    field: DeviceTypeField,
    override: CatalogDatastreamOverride | undefined,
    current: DatastreamEntity | undefined,
  ): Record<string, unknown> {
    const defaultName = `${this.lookup.observedPropertyName(field.observedProperty)} – ${this.lookup.thingName(device.tenantId, device.thingId)}`;

    return {
      tenantId: device.tenantId,
      id: datastreamIdOf(device.id, field.field),
      thingId: device.thingId,
      deviceId: device.id,
      field: field.field,
      ...typeAttributes(field),
      name: override?.name ?? defaultName,
      description: override?.description ?? field.description ?? '',
      classification: override?.classification ?? device.classification,
      retentionDays: override?.retentionDays ?? device.retentionDays,
      storageProfile:
        override?.storageProfile ??
        device.storageProfile ??
        this.lookup.tenantStorageProfile(device.tenantId),
      // Only an explicit `retired` changes the flag, so a datastream retired through the API stays retired.
      retired: override?.retired ?? current?.retired ?? false,
    };
  }
}

/** Returns the datastream attributes that follow the device type's field. */
function typeAttributes(field: DeviceTypeField): {
  observedPropertyId: string;
  unitCode: string;
  valueSchema: ValueSchema;
} {
  return {
    observedPropertyId: field.observedProperty,
    unitCode: field.unit,
    valueSchema: withoutUndefined({ type: field.type, min: field.min, max: field.max, recipientKid: field.recipientKid }),
  };
}
