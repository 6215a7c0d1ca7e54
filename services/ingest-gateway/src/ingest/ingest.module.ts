import { Module } from '@nestjs/common';
import { TokenVerifier } from '@stadtdaten/auth';
import { readFileSync } from 'node:fs';
import { AedesBroker, MqttIngress, SharedSubscriptionIngress } from '@stadtdaten/mqtt';
import { ProcessLogger } from '@stadtdaten/observability';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { IngestSettings } from './ingest-settings';
import { MqttIngestConsumer } from './mqtt-ingest.consumer';
import { ResubmissionService } from './resubmission.service';

/** The MQTT edge: the embedded broker, or a client of an external broker with a client certificate. */
export type MqttEdgeOptions =
  | { mode: 'embedded'; host: string; port: number }
  | {
      mode: 'external';
      url: string;
      caFile?: string;
      certFile?: string;
      keyFile?: string;
      clientId: string;
      connections: number;
      group: string;
    };

export interface IngestModuleOptions {
  settings: IngestSettings;
  mqtt: MqttEdgeOptions | { host: string; port: number };
}

/**
 * Largest MQTT packet the embedded broker reads: 16 MiB, as the Mosquitto configuration of
 * production, or four times the payload limit where that is larger. A payload between the
 * payload limit and this one still reaches the dead letter, truncated.
 */
function maxPacketBytes(settings: IngestSettings): number {
  return Math.max(16 * 1024 * 1024, 4 * settings.maxPayloadBytes + 65_536);
}

function createMqttIngress(
  options: IngestModuleOptions['mqtt'],
  settings: IngestSettings,
  verifier: TokenVerifier,
  logger: ProcessLogger,
): MqttIngress {
  const log = logger.child({ component: 'mqtt' });
  if ('mode' in options && options.mode === 'external') {
    const read = (file?: string) => (file === undefined ? undefined : readFileSync(file));

    return new SharedSubscriptionIngress({
      url: options.url,
      ca: read(options.caFile),
      cert: read(options.certFile),
      key: read(options.keyFile),
      clientId: options.clientId,
      connections: options.connections,
      group: options.group,
      logger: log,
    });
  }
  const { host, port } = options as { host: string; port: number };

  return new AedesBroker({ host, port, verifier, logger: log, maxPacketBytes: maxPacketBytes(settings) });
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
            createMqttIngress(options.mqtt, options.settings, verifier, logger),
          inject: [TokenVerifier, ProcessLogger],
        },
        IngestService,
        ResubmissionService,
        MqttIngestConsumer,
      ],
      exports: [IngestService, MqttIngress],
    };
  }
}
