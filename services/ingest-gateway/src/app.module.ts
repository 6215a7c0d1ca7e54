import { Module } from '@nestjs/common';
import { HttpEdgeModule, RuntimeModule, RateLimitOptions } from '@stadtdaten/runtime';
import { SOURCE_DECODERS } from '@stadtdaten/connectors';
import type { IngestConfig } from './config';
import { ConnectorSettings } from './connectors/connector-settings';
import { ConnectorsModule } from './connectors/connectors.module';
import { IngestModule } from './ingest/ingest.module';
import { IngestSettings } from './ingest/ingest-settings';

export const INGEST_GATEWAY_VERSION = '0.1.0';

@Module({})
export class AppModule {
  static register(config: IngestConfig) {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({
          service: 'ingest-gateway',
          version: INGEST_GATEWAY_VERSION,
          env: config.STADTDATEN_ENV,
          logLevel: config.STADTDATEN_LOG_LEVEL,
          dataDir: config.STADTDATEN_DATA_DIR,
          adapters: config,
          kekFile: config.STADTDATEN_KEK_FILE,
          availableStorageProfiles: config.STADTDATEN_AVAILABLE_STORAGE_PROFILES?.split(','),
          rateLimit: RateLimitOptions.fromSettings(config),
        }),
        HttpEdgeModule,
        IngestModule.register({
          settings: new IngestSettings(config.STADTDATEN_MAX_PAYLOAD_BYTES, INGEST_GATEWAY_VERSION),
          mqtt:
            config.STADTDATEN_MQTT === 'external'
              ? {
                  mode: 'external',
                  url: config.STADTDATEN_MQTT_URL!,
                  caFile: config.STADTDATEN_MQTT_CA_FILE,
                  certFile: config.STADTDATEN_MQTT_CERT_FILE,
                  keyFile: config.STADTDATEN_MQTT_KEY_FILE,
                  clientId: config.STADTDATEN_MQTT_CLIENT_ID,
                  connections: config.STADTDATEN_MQTT_CONNECTIONS,
                  group: config.STADTDATEN_MQTT_SHARE_GROUP,
                }
              : { mode: 'embedded', host: config.STADTDATEN_MQTT_HOST, port: config.STADTDATEN_MQTT_PORT },
        }),
        ConnectorsModule.register(new ConnectorSettings(config.STADTDATEN_CONNECTORS_FILE, SOURCE_DECODERS)),
      ],
    };
  }
}
