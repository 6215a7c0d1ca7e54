import { type DynamicModule, Module } from '@nestjs/common';
import { OpenDataSettings, PublicationStore, RegistryPublicationStore } from '@stadtdaten/opendata';
import { RegistryService } from '@stadtdaten/registry';
import { CkanPublicationService } from './ckan-publication.service';
import { DcatCatalogController } from './dcat-catalog.controller';
import { DcatCatalogService } from './dcat-catalog.service';
import { PublicationController } from './publication.controller';

/**
 * The DCAT-AP.de catalog (GET /api/v1/catalog) and the CKAN publisher, whose state
 * (GET /api/v1/opendata/publication) is kept in the registry database. Needs RuntimeModule
 * and HttpEdgeModule, like QueryApiModule.
 */
@Module({})
export class OpenDataModule {
  static register(settings: OpenDataSettings = new OpenDataSettings()): DynamicModule {
    return {
      module: OpenDataModule,
      controllers: [DcatCatalogController, PublicationController],
      providers: [
        { provide: OpenDataSettings, useValue: settings },
        { provide: PublicationStore, useFactory: (registry: RegistryService) => new RegistryPublicationStore(registry), inject: [RegistryService] },
        DcatCatalogService,
        CkanPublicationService,
      ],
    };
  }
}
