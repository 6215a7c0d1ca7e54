import { Module } from '@nestjs/common';
import { AnalyticsModule, AnalyticsSettings } from '@stadtdaten/analytics';
import { DashboardModule } from '@stadtdaten/dashboard';
import { SOURCE_DECODERS } from '@stadtdaten/connectors';
import { ConnectorSettings, ConnectorsModule, IngestModule, IngestSettings } from '@stadtdaten/ingest-gateway';
import type { Logger } from '@stadtdaten/observability';
import { openDataSettingsFrom } from '@stadtdaten/opendata';
import { OpenDataModule, QueryApiModule, SensorThingsModule } from '@stadtdaten/query-api';
import { HttpEdgeModule, RateLimitOptions, RuntimeModule } from '@stadtdaten/runtime';
import { StorageModule } from '@stadtdaten/storage-writer';
import { ValidationModule, ValidatorSettings } from '@stadtdaten/validator';
import { DemoModule } from './demo/demo.module';
import { PipelineWorkerService } from './pipeline/pipeline-worker.service';
import type { PlatformConfig } from './platform-config';

export const PLATFORM_VERSION = '0.1.0';

/** Every service in one process on the embedded adapters, sharing one set of ports. */
@Module({})
export class PlatformModule {
  /**
   * With `pipelineInWorker`, the validator and the storage writer run in a worker thread
   * (PipelineWorkerService) instead of the main thread. The analytics jobs stay on the main
   * thread in both modes, because their routes (/api/v1/jobs, /api/v1/quality) need the HTTP
   * server and their quality messages go out through the MQTT broker, both on this thread.
   * They read what the worker writes from the shared event log and time-series store.
   * Throws AppError INVALID_CONFIG when STADTDATEN_ANALYTICS_FILE is invalid.
   */
  static register(config: PlatformConfig, options: { logger?: Logger; pipelineInWorker?: boolean } = {}) {
    const { logger, pipelineInWorker = false } = options;
    const pipeline = pipelineInWorker
      ? []
      : [ValidationModule.register(new ValidatorSettings(config.STADTDATEN_MAX_PAYLOAD_BYTES, PLATFORM_VERSION, config.STADTDATEN_SIGNING)), StorageModule];

    return {
      module: PlatformModule,
      providers: pipelineInWorker ? [PipelineWorkerService] : [],
      imports: [
        RuntimeModule.forRoot({
          service: 'platform',
          version: PLATFORM_VERSION,
          env: config.STADTDATEN_ENV,
          logLevel: config.STADTDATEN_LOG_LEVEL,
          dataDir: config.STADTDATEN_DATA_DIR,
          logger,
          rateLimit: RateLimitOptions.fromSettings(config),
        }),
        HttpEdgeModule,
        IngestModule.register({
          settings: new IngestSettings(config.STADTDATEN_MAX_PAYLOAD_BYTES, PLATFORM_VERSION),
          mqtt: { host: config.STADTDATEN_MQTT_HOST, port: config.STADTDATEN_MQTT_PORT },
        }),
        ConnectorsModule.register(new ConnectorSettings(config.STADTDATEN_CONNECTORS_FILE, SOURCE_DECODERS)),
        ...pipeline,
        QueryApiModule,
        OpenDataModule.register(openDataSettingsFrom(config)),
        SensorThingsModule.register({ mqttDefaultTenant: config.STADTDATEN_DASHBOARD_TENANT, publicBaseUrl: config.STADTDATEN_OPENDATA_BASE_URL }),
        DashboardModule.register({ tileUrl: config.STADTDATEN_TILE_URL, tenant: config.STADTDATEN_DASHBOARD_TENANT }),
        DemoModule.register({ enabled: config.STADTDATEN_DEMO, intervalMs: config.STADTDATEN_DEMO_INTERVAL_MS }),
        AnalyticsModule.register(AnalyticsSettings.fromConfig(config)),
      ],
    };
  }
}
