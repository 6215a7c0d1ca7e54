import { Module } from '@nestjs/common';
import { HttpEdgeModule, RuntimeModule } from '@stadtdaten/runtime';
import { AnalyticsModule } from './analytics.module';
import { AnalyticsSettings } from './analytics-settings';
import type { AnalyticsConfig } from './config';

export const ANALYTICS_VERSION = '0.1.0';

@Module({})
export class AppModule {
  static register(config: AnalyticsConfig) {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({
          service: 'analytics',
          version: ANALYTICS_VERSION,
          env: config.STADTDATEN_ENV,
          logLevel: config.STADTDATEN_LOG_LEVEL,
          dataDir: config.STADTDATEN_DATA_DIR,
          adapters: config,
          kekFile: config.STADTDATEN_KEK_FILE,
          availableStorageProfiles: config.STADTDATEN_AVAILABLE_STORAGE_PROFILES?.split(','),
        }),
        HttpEdgeModule,
        AnalyticsModule.register(AnalyticsSettings.fromConfig(config)),
      ],
    };
  }
}
