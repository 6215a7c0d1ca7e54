import { type DynamicModule, Module } from '@nestjs/common';
import { OpenDataSettings } from '@stadtdaten/opendata';
import { CkanPublicationService } from './ckan-publication.service';
import { DcatCatalogController } from './dcat-catalog.controller';
import { DcatCatalogService } from './dcat-catalog.service';
import { PublicationController } from './publication.controller';

/**
 * The DCAT-AP.de catalog (GET /api/v1/catalog) and the CKAN publisher with its state
 * (GET /api/v1/opendata/publication); needs RuntimeModule and HttpEdgeModule, like QueryApiModule.
 */
@Module({})
export class OpenDataModule {
  static register(settings: OpenDataSettings = new OpenDataSettings()): DynamicModule {
    return {
      module: OpenDataModule,
      controllers: [DcatCatalogController, PublicationController],
      providers: [{ provide: OpenDataSettings, useValue: settings }, DcatCatalogService, CkanPublicationService],
    };
  }
}
