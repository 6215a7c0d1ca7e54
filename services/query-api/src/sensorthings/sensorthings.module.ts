import { type DynamicModule, Module } from '@nestjs/common';
import { ObservationsService } from '../observations/observations.service';
import { RollupAggregateService } from '../observations/rollup-aggregate.service';
import { VisibilityService } from '../things/visibility.service';
import { ObservationAggregateService } from './observation-aggregate.service';
import { ObservationBroadcastConsumer } from './observation-broadcast.consumer';
import { ObservationBroadcastService } from './observation-broadcast.service';
import { ObservationIngestService } from './observation-ingest.service';
import { ObservationMessageService } from './observation-message.service';
import { ObservationQueryService } from './observation-query.service';
import { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsController } from './sensorthings.controller';
import { SensorThingsSettings } from './sensorthings-settings';
import { StaBatchService } from './sta-batch.service';
import { StaCollectionService } from './sta-collection.service';
import { StaGraphService } from './sta-graph.service';
import { StaMqttAccessService } from './sta-mqtt-access.service';
import { StaMqttEdgeService } from './sta-mqtt-edge.service';
import { StaMqttMetrics } from './sta-mqtt-metrics';
import { StaReadService } from './sta-read.service';
import { StaRequestsService } from './sta-requests.service';
import { StaWriterService } from './sta-writer.service';

/**
 * OGC SensorThings API 1.1 under /sta/v1.1, and new observations over MQTT on
 * `v1.1/tenants/<tenant>/Datastreams('<id>')/Observations`. Needs RuntimeModule and
 * HttpEdgeModule, like QueryApiModule. MQTT messages go through the process's MqttIngress where
 * one is provided (the embedded platform), or through an own client when `mqttClient` is set.
 */
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
        RollupAggregateService,
        ObservationStoreReader,
        ObservationQueryService,
        ObservationAggregateService,
        ObservationIngestService,
        StaGraphService,
        StaCollectionService,
        StaReadService,
        StaWriterService,
        StaRequestsService,
        StaBatchService,
        StaMqttMetrics,
        StaMqttAccessService,
        StaMqttEdgeService,
        ObservationMessageService,
        ObservationBroadcastService,
        ObservationBroadcastConsumer,
      ],
    };
  }
}
