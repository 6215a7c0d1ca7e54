import type { EntityManager, FindOptionsWhere } from 'typeorm';
import type { DeviceContext } from '@stadtdaten/contracts';
import { DatastreamEntity } from './entities/datastream.entity';
import { DeviceTypeEntity } from './entities/device-type.entity';
import { DeviceEntity } from './entities/device.entity';
import { TenantEntity } from './entities/tenant.entity';
import { ThingEntity } from './entities/thing.entity';
import type {
  DatastreamDto,
  DeviceDto,
  ListDatastreamsOptions,
  ListThingsOptions,
  TenantDto,
  ThingDto,
} from './registry.dto';
import { toDatastreamDto, toDeviceContext, toDeviceDto, toTenantDto, toThingDto } from './registry-mappers';

/** Read queries of the registry; every query except the tenant list is scoped to one tenant. */
export class RegistryQueries {
  constructor(private readonly manager: EntityManager) {}

  async listTenants(): Promise<TenantDto[]> {
    const rows = await this.manager.find(TenantEntity, { order: { id: 'ASC' } });

    return rows.map(toTenantDto);
  }

  async getTenant(id: string): Promise<TenantDto | undefined> {
    const row = await this.manager.findOneBy(TenantEntity, { id });

    return row === null ? undefined : toTenantDto(row);
  }

  async listThings(tenant: string, options: ListThingsOptions): Promise<ThingDto[]> {
    const things = await this.manager.find(ThingEntity, {
      where: { tenantId: tenant },
      order: { id: 'ASC' },
    });
    const idsByThing = await this.datastreamIdsBy(tenant, 'thingId', options.publicOnly ?? false);
    const dtos = things.map((thing) => toThingDto(thing, idsByThing.get(thing.id) ?? []));

    return options.publicOnly ? dtos.filter((thing) => thing.datastreamIds.length > 0) : dtos;
  }

  async getThing(tenant: string, id: string): Promise<ThingDto | undefined> {
    const thing = await this.manager.findOneBy(ThingEntity, { tenantId: tenant, id });
    if (thing === null) {
      return undefined;
    }
    const datastreams = await this.manager.find(DatastreamEntity, {
      select: { id: true },
      where: { tenantId: tenant, thingId: id },
      order: { id: 'ASC' },
    });

    return toThingDto(
      thing,
      datastreams.map((datastream) => datastream.id),
    );
  }

  async listDatastreams(tenant: string, options: ListDatastreamsOptions): Promise<DatastreamDto[]> {
    const where: FindOptionsWhere<DatastreamEntity> = { tenantId: tenant };
    if (options.thingId !== undefined) {
      where.thingId = options.thingId;
    }
    if (options.publicOnly) {
      where.classification = 'public';
      where.retired = false;
    }
    const rows = await this.manager.find(DatastreamEntity, {
      where,
      relations: { observedProperty: true },
      order: { id: 'ASC' },
    });

    return rows.map((row) => toDatastreamDto(row, row.observedProperty!));
  }

  async getDatastream(tenant: string, id: string): Promise<DatastreamDto | undefined> {
    const row = await this.manager.findOne(DatastreamEntity, {
      where: { tenantId: tenant, id },
      relations: { observedProperty: true },
    });

    return row === null ? undefined : toDatastreamDto(row, row.observedProperty!);
  }

  async getDeviceType(tenant: string, id: string): Promise<{ id: string; fields: string[] } | undefined> {
    const row = await this.manager.findOne(DeviceTypeEntity, { where: { tenantId: tenant, id } });

    return row === null ? undefined : { id: row.id, fields: row.fields.map((field) => field.field) };
  }

  async listDevices(tenant: string): Promise<DeviceDto[]> {
    const devices = await this.manager.find(DeviceEntity, {
      where: { tenantId: tenant },
      relations: { deviceType: true },
      order: { id: 'ASC' },
    });
    const idsByDevice = await this.datastreamIdsBy(tenant, 'deviceId', false);

    return devices.map((device) => toDeviceDto(device, device.deviceType!, idsByDevice.get(device.id) ?? []));
  }

  async loadDeviceContext(tenant: string, deviceId: string): Promise<DeviceContext | undefined> {
    const device = await this.manager.findOne(DeviceEntity, {
      where: { tenantId: tenant, id: deviceId },
      relations: { deviceType: true },
    });
    if (device === null) {
      return undefined;
    }
    const datastreams = await this.manager.find(DatastreamEntity, {
      where: { tenantId: tenant, deviceId },
      order: { id: 'ASC' },
    });

    return toDeviceContext(device, device.deviceType!, datastreams);
  }

  /** Datastream ids of a tenant grouped by thing or device; `publicOnly` keeps public, non-retired ones. */
  private async datastreamIdsBy(
    tenant: string,
    groupBy: 'thingId' | 'deviceId',
    publicOnly: boolean,
  ): Promise<Map<string, string[]>> {
    const where: FindOptionsWhere<DatastreamEntity> = { tenantId: tenant };
    if (publicOnly) {
      where.classification = 'public';
      where.retired = false;
    }
    const rows = await this.manager.find(DatastreamEntity, {
      select: { id: true, thingId: true, deviceId: true },
      where,
      order: { id: 'ASC' },
    });
    const groups = new Map<string, string[]>();
    for (const row of rows) {
      const ids = groups.get(row[groupBy]);
      if (ids === undefined) {
        groups.set(row[groupBy], [row.id]);
      } else {
        ids.push(row.id);
      }
    }

    return groups;
  }
}
