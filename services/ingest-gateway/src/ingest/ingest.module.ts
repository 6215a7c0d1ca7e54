import { Module } from '@nestjs/common';
import { TokenVerifier } from '@stadtdaten/auth';
import { AedesBroker, MqttIngress } from '@stadtdaten/mqtt';
import { ProcessLogger } from '@stadtdaten/observability';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { IngestSettings } from './ingest-settings';
import { MqttIngestConsumer } from './mqtt-ingest.consumer';

export interface IngestModuleOptions {
  settings: IngestSettings;
  mqtt: { host: string; port: number };
}

/** MQTT and HTTP ingest into the raw topics; needs RuntimeModule. */
@Module({})
export class IngestModule {
  static register(options: IngestModuleOptions) {
    return {
      module: IngestModule,
      global: true,
      controllers: [IngestController],
      providers: [
        { provide: IngestSettings, useValue: options.settings },
        {
          provide: MqttIngress,
          useFactory: (verifier: TokenVerifier, logger: ProcessLogger) =>
            new AedesBroker({ ...options.mqtt, verifier, logger: logger.child({ component: 'mqtt-broker' }) }),
          inject: [TokenVerifier, ProcessLogger],
        },
        IngestService,
        MqttIngestConsumer,
      ],
      exports: [IngestService, MqttIngress],
    };
  }
}
