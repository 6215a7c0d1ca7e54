import type { DeviceTypeField } from '../entities/device-type.entity';
import { DEFAULT_STORAGE_PROFILE } from '../vocabulary';
import type { CatalogDocument, CatalogField } from './catalog.schema';
import { scopedKey, type StoredState } from './catalog-state';

/** Finds entities by id in the document first and in the stored registry second. */
export class CatalogLookup {
  private readonly typeFields = new Map<string, DeviceTypeField[]>();
  private readonly propertyNames = new Map<string, string>();
  private readonly thingNames = new Map<string, string>();
  private readonly storageProfiles = new Map<string, string>();

  constructor(
    document: CatalogDocument,
    private readonly stored: StoredState,
  ) {
    for (const type of document.deviceTypes) {
      this.typeFields.set(scopedKey(type.tenant, type.id), type.fields.map(toDeviceTypeField));
    }
    for (const property of document.observedProperties) {
      this.propertyNames.set(property.id, property.name);
    }
    for (const thing of document.things) {
      this.thingNames.set(scopedKey(thing.tenant, thing.id), thing.name);
    }
    for (const tenant of document.tenants) {
      this.storageProfiles.set(tenant.id, tenant.storageProfile);
    }
  }

  deviceTypeFields(tenant: string, typeId: string): DeviceTypeField[] {
    const key = scopedKey(tenant, typeId);

    return this.typeFields.get(key) ?? this.stored.deviceTypes.get(key)?.fields ?? [];
  }

  observedPropertyName(id: string): string {
    return this.propertyNames.get(id) ?? this.stored.observedProperties.get(id)?.name ?? id;
  }

  thingName(tenant: string, id: string): string {
    const key = scopedKey(tenant, id);

    return this.thingNames.get(key) ?? this.stored.things.get(key)?.name ?? id;
  }

  tenantStorageProfile(tenant: string): string {
    return (
      this.storageProfiles.get(tenant) ??
      this.stored.tenants.get(tenant)?.storageProfile ??
      DEFAULT_STORAGE_PROFILE
    );
  }
}

export function toDeviceTypeField(field: CatalogField): DeviceTypeField {
  return withoutUndefined({
    field: field.field,
    observedProperty: field.observedProperty,
    unit: field.unit,
    type: field.type,
    min: field.min,
    max: field.max,
    recipientKid: field.recipientKid,
    description: field.description,
  });
}

export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
