import { CkanPublicationRunEntity } from './ckan-publication-run.entity';
import { CkanPublicationEntity } from './ckan-publication.entity';
import { DatastreamEntity } from './datastream.entity';
import { DeviceTypeEntity } from './device-type.entity';
import { DeviceEntity } from './device.entity';
import { ObservedPropertyEntity } from './observed-property.entity';
import { TenantEntity } from './tenant.entity';
import { ThingEntity } from './thing.entity';

/** Every entity of the registry, for a DataSource or TypeOrmModule configuration. */
export const REGISTRY_ENTITIES = [
  TenantEntity,
  ObservedPropertyEntity,
  DeviceTypeEntity,
  ThingEntity,
  DeviceEntity,
  DatastreamEntity,
  CkanPublicationEntity,
  CkanPublicationRunEntity,
];
