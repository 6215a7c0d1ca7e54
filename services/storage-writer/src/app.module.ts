import { Module } from '@nestjs/common';
import { HttpEdgeModule, RuntimeModule, RateLimitOptions } from '@stadtdaten/runtime';
import type { StorageWriterConfig } from './config';
import { StorageModule } from './storage/storage.module';

export const STORAGE_WRITER_VERSION = '0.1.0';

@Module({})
export class AppModule {
  static register(config: StorageWriterConfig) {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({
          service: 'storage-writer',
          version: STORAGE_WRITER_VERSION,
          env: config.STADTDATEN_ENV,
          logLevel: config.STADTDATEN_LOG_LEVEL,
          dataDir: config.STADTDATEN_DATA_DIR,
          adapters: config,
          kekFile: config.STADTDATEN_KEK_FILE,
          availableStorageProfiles: config.STADTDATEN_AVAILABLE_STORAGE_PROFILES?.split(','),
          rateLimit: RateLimitOptions.fromSettings(config),
        }),
        HttpEdgeModule,
        StorageModule,
      ],
    };
  }
}
