import type { DatastreamBinding, DeviceContext } from '@stadtdaten/contracts';
import type { DatastreamEntity } from './entities/datastream.entity';
import type { DeviceTypeEntity } from './entities/device-type.entity';
import type { DeviceEntity } from './entities/device.entity';
import type { ObservedPropertyEntity } from './entities/observed-property.entity';
import type { TenantEntity } from './entities/tenant.entity';
import type { ThingEntity } from './entities/thing.entity';
import type { DatastreamDto, DeviceDto, TenantDto, ThingDto } from './registry.dto';
import { unitInfo } from './ucum-units';

export function toTenantDto(row: TenantEntity): TenantDto {
  return { id: row.id, name: row.name, storageProfile: row.storageProfile };
}

export function toThingDto(row: ThingEntity, datastreamIds: string[]): ThingDto {
  return {
    tenant: row.tenantId,
    id: row.id,
    name: row.name,
    description: row.description,
    useCase: row.useCase,
    location: row.location,
    properties: row.properties,
    datastreamIds,
  };
}

export function toDeviceDto(row: DeviceEntity, type: DeviceTypeEntity, datastreamIds: string[]): DeviceDto {
  return {
    tenant: row.tenantId,
    id: row.id,
    name: row.name,
    description: row.description,
    deviceTypeId: row.deviceTypeId,
    thingId: row.thingId,
    payloadFormat: type.payloadFormat,
    ...(type.codec === null ? {} : { codec: type.codec }),
    ...(type.timeZone === null ? {} : { timeZone: type.timeZone }),
    classification: row.classification,
    retentionDays: row.retentionDays,
    storageProfile: row.storageProfile,
    ownerPseudonym: row.ownerPseudonym,
    datastreamIds,
  };
}

export function toDatastreamDto(row: DatastreamEntity, property: ObservedPropertyEntity): DatastreamDto {
  const unit = unitInfo(row.unitCode);

  return {
    tenant: row.tenantId,
    id: row.id,
    name: row.name,
    description: row.description,
    thingId: row.thingId,
    deviceId: row.deviceId,
    field: row.field,
    observedProperty: {
      id: property.id,
      name: property.name,
      definition: property.definition,
      description: property.description,
    },
    unit: { code: row.unitCode, symbol: unit.symbol, label: { de: unit.de, en: unit.en } },
    valueSchema: row.valueSchema,
    classification: row.classification,
    retentionDays: row.retentionDays,
    storageProfile: row.storageProfile,
    retired: row.retired,
  };
}

export function toDeviceContext(
  row: DeviceEntity,
  type: DeviceTypeEntity,
  datastreams: DatastreamEntity[],
): DeviceContext {
  const bindings = datastreams.map((datastream): DatastreamBinding => ({
    datastreamId: datastream.id,
    thingId: datastream.thingId,
    deviceId: datastream.deviceId,
    field: datastream.field,
    observedProperty: datastream.observedPropertyId,
    unit: datastream.unitCode,
    valueSchema: datastream.valueSchema,
    classification: datastream.classification,
    storageProfile: datastream.storageProfile,
    retired: datastream.retired,
  }));

  return {
    tenant: row.tenantId,
    deviceId: row.id,
    deviceType: row.deviceTypeId,
    payloadFormat: type.payloadFormat,
    ...(type.codec === null ? {} : { codec: type.codec }),
    ...(type.timeZone === null ? {} : { timeZone: type.timeZone }),
    ...(row.ownerPseudonym === null ? {} : { ownerPseudonym: row.ownerPseudonym }),
    datastreams: bindings,
  };
}
