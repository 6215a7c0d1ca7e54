import { dirname } from 'node:path';
import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import express from 'express';
import { AuditController } from './audit/audit.controller';
import { CatalogController } from './catalog/catalog.controller';
import { IntegrityController } from './integrity/integrity.controller';
import { PersonalDataController } from './privacy/personal-data.controller';
import { ObservationsController } from './observations/observations.controller';
import { ObservationsService } from './observations/observations.service';
import { RollupAggregateService } from './observations/rollup-aggregate.service';
import { ObservationExportModule } from './opendata/observation-export.module';
import { OpenApiController } from './openapi/openapi.controller';
import { ThingsController } from './things/things.controller';
import { VisibilityService } from './things/visibility.service';

/** The REST API under /api/v1; needs RuntimeModule and HttpEdgeModule. */
@Module({
  imports: [ObservationExportModule],
  controllers: [ThingsController, ObservationsController, CatalogController, IntegrityController, AuditController, PersonalDataController, OpenApiController],
  providers: [VisibilityService, ObservationsService, RollupAggregateService],
})
export class QueryApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));
    consumer.apply(express.static(swaggerUi, { index: false })).forRoutes('api/v1/docs/assets');
  }
}
