import { Module } from '@nestjs/common';
import { HttpEdgeModule, RuntimeModule, RateLimitOptions } from '@stadtdaten/runtime';
import type { ValidatorConfig } from './config';
import { ValidationModule } from './validation/validation.module';
import { ValidatorSettings } from './validation/validator-settings';

export const VALIDATOR_VERSION = '0.1.0';

@Module({})
export class AppModule {
  static register(config: ValidatorConfig) {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({
          service: 'validator',
          version: VALIDATOR_VERSION,
          env: config.STADTDATEN_ENV,
          logLevel: config.STADTDATEN_LOG_LEVEL,
          dataDir: config.STADTDATEN_DATA_DIR,
          adapters: config,
          kekFile: config.STADTDATEN_KEK_FILE,
          availableStorageProfiles: config.STADTDATEN_AVAILABLE_STORAGE_PROFILES?.split(','),
          rateLimit: RateLimitOptions.fromSettings(config),
        }),
        HttpEdgeModule,
        ValidationModule.register(new ValidatorSettings(config.STADTDATEN_MAX_PAYLOAD_BYTES, VALIDATOR_VERSION, config.STADTDATEN_SIGNING)),
      ],
    };
  }
}
