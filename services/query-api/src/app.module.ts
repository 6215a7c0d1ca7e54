import { Module } from '@nestjs/common';
import { DashboardModule } from '@stadtdaten/dashboard';
import { HttpEdgeModule, RuntimeModule, RateLimitOptions } from '@stadtdaten/runtime';
import type { QueryApiConfig } from './config';
import { openDataSettingsFrom } from '@stadtdaten/opendata';
import { OpenDataModule } from './opendata/opendata.module';
import { QueryApiModule } from './query-api.module';
import { SensorThingsModule } from './sensorthings/sensorthings.module';
import type { SensorThingsSettings } from './sensorthings/sensorthings-settings';

export const QUERY_API_VERSION = '0.1.0';

function sensorThingsSettingsFrom(config: QueryApiConfig): Partial<SensorThingsSettings> {
  return {
    publicBaseUrl: config.STADTDATEN_OPENDATA_BASE_URL,
    mqttDefaultTenant: config.STADTDATEN_DASHBOARD_TENANT,
    mqttClient:
      config.STADTDATEN_STA_MQTT_URL === undefined
        ? undefined
        : {
            url: config.STADTDATEN_STA_MQTT_URL,
            clientId: config.STADTDATEN_STA_MQTT_CLIENT_ID,
            caFile: config.STADTDATEN_STA_MQTT_CA_FILE,
            certFile: config.STADTDATEN_STA_MQTT_CERT_FILE,
            keyFile: config.STADTDATEN_STA_MQTT_KEY_FILE,
          },
  };
}

@Module({})
export class AppModule {
  static register(config: QueryApiConfig) {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({
          service: 'query-api',
          version: QUERY_API_VERSION,
          env: config.STADTDATEN_ENV,
          logLevel: config.STADTDATEN_LOG_LEVEL,
          dataDir: config.STADTDATEN_DATA_DIR,
          adapters: config,
          kekFile: config.STADTDATEN_KEK_FILE,
          availableStorageProfiles: config.STADTDATEN_AVAILABLE_STORAGE_PROFILES?.split(','),
          rateLimit: RateLimitOptions.fromSettings(config),
        }),
        HttpEdgeModule,
        QueryApiModule,
        OpenDataModule.register(openDataSettingsFrom(config)),
        SensorThingsModule.register(sensorThingsSettingsFrom(config)),
        DashboardModule.register({
          tileUrl: config.STADTDATEN_TILE_URL,
          tenant: config.STADTDATEN_DASHBOARD_TENANT,
          oidc:
            config.STADTDATEN_AUTH === 'oidc'
              ? { issuer: config.STADTDATEN_OIDC_ISSUER!, clientId: config.STADTDATEN_DASHBOARD_OIDC_CLIENT_ID }
              : undefined,
        }),
      ],
    };
  }
}
