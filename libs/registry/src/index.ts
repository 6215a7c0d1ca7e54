export { RegistryService } from './registry.service';
export { CkanPublicationRepository } from './ckan-publication.repository';
export type { CkanPublicationRecord, CkanPublicationRunRecord } from './ckan-publication.repository';
export { MIGRATIONS_TABLE, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, openRegistry } from './open-registry';
export type { PostgresRegistryOptions, PseudonymizeFn, RegistryOptions, SqliteRegistryOptions } from './open-registry';
export type * from './registry.dto';
export { REGISTRY_ENTITIES } from './entities/registry-entities';
export { UCUM_UNITS, isKnownUnit, unitInfo } from './ucum-units';
export type { UnitInfo } from './ucum-units';
export {
  DEFAULT_STORAGE_PROFILE,
  PAYLOAD_FORMATS,
  STORAGE_PROFILES,
  THING_OR_DEVICE_ID,
  USE_CASES,
  datastreamIdOf,
} from './vocabulary';
export type { PayloadFormat, StorageProfile, UseCase } from './vocabulary';
export { DEFAULT_CLASSIFICATION } from './catalog/catalog-plan';
export type { CatalogProblem } from './catalog/catalog-problems';
