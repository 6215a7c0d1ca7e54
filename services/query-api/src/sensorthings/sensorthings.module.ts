import { type DynamicModule, Module } from '@nestjs/common';
import { ObservationsService } from '../observations/observations.service';
import { VisibilityService } from '../things/visibility.service';
import { ObservationAggregateService } from './observation-aggregate.service';
import { ObservationIngestService } from './observation-ingest.service';
import { ObservationQueryService } from './observation-query.service';
import { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsController } from './sensorthings.controller';
import { SensorThingsSettings } from './sensorthings-settings';
import { StaCollectionService } from './sta-collection.service';
import { StaGraphService } from './sta-graph.service';
import { StaReadService } from './sta-read.service';
import { StaRequestsService } from './sta-requests.service';
import { StaWriterService } from './sta-writer.service';

/** OGC SensorThings API 1.1 under /sta/v1.1; needs RuntimeModule and HttpEdgeModule, like QueryApiModule. */
@Module({})
export class SensorThingsModule {
  static register(settings: Partial<SensorThingsSettings> = {}): DynamicModule {
    return {
      module: SensorThingsModule,
      controllers: [SensorThingsController],
      providers: [
        { provide: SensorThingsSettings, useValue: new SensorThingsSettings(settings) },
        VisibilityService,
        ObservationsService,
        ObservationStoreReader,
        ObservationQueryService,
        ObservationAggregateService,
        ObservationIngestService,
        StaGraphService,
        StaCollectionService,
        StaReadService,
        StaWriterService,
        StaRequestsService,
      ],
    };
  }
}
