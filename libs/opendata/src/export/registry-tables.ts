import { REGISTRY_ENTITIES } from '@stadtdaten/registry';
import { DataSource, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';

/** A device type as an export lists it: the catalog's fields, one per decoded payload field. */
export interface ExportDeviceType {
  tenant: string;
  id: string;
  name: string;
  payloadFormat: string;
  codec: string | null;
  timeZone: string | null;
  fields: Array<{
    field: string;
    observedProperty: string;
    unit: string;
    type: string;
    min?: number;
    max?: number;
    description?: string;
  }>;
}

export interface ExportObservedProperty {
  id: string;
  name: string;
  definition: string;
  description: string;
}

/**
 * Reads the registry tables that RegistryService has no list for (device types and observed
 * properties), from the SQLite file of an embedded platform. Opens its own read connection.
 */
export class RegistryTables {
  private constructor(private readonly dataSource: DataSource) {}

  static async open(path: string): Promise<RegistryTables> {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: path, entities: REGISTRY_ENTITIES, readonly: true });
    await dataSource.initialize();

    return new RegistryTables(dataSource);
  }

  async deviceTypes(tenant: string): Promise<ExportDeviceType[]> {
    const rows = (await this.repository('DeviceTypeEntity').find({ where: { tenantId: tenant }, order: { id: 'ASC' } })) as Array<
      Omit<ExportDeviceType, 'tenant'> & { tenantId: string }
    >;

    return rows.map((row) => ({
      tenant: row.tenantId,
      id: row.id,
      name: row.name,
      payloadFormat: row.payloadFormat,
      codec: row.codec,
      timeZone: row.timeZone,
      fields: row.fields,
    }));
  }

  /** Lists observed properties by id, in id order; unknown ids are left out. */
  async observedProperties(ids: string[]): Promise<ExportObservedProperty[]> {
    const rows = (await this.repository('ObservedPropertyEntity').find({ order: { id: 'ASC' } })) as ExportObservedProperty[];
    const wanted = new Set(ids);

    return rows
      .filter((row) => wanted.has(row.id))
      .map((row) => ({ id: row.id, name: row.name, definition: row.definition, description: row.description }));
  }

  /** Returns the repository of a registry entity, found by class name because the registry lib exports only the list. */
  private repository(className: string): Repository<ObjectLiteral> {
    const entity = REGISTRY_ENTITIES.find((candidate) => candidate.name === className);
    if (entity === undefined) {
      throw new Error(`registry entity ${className} not found in REGISTRY_ENTITIES`);
    }

    return this.dataSource.getRepository(entity as EntityTarget<ObjectLiteral>);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }
}
