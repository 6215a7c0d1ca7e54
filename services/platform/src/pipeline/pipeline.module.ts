import { Module } from '@nestjs/common';
import { RuntimeModule } from '@stadtdaten/runtime';
import { StorageModule } from '@stadtdaten/storage-writer';
import { ValidationModule, ValidatorSettings } from '@stadtdaten/validator';

/** Settings the pipeline worker thread receives from the main thread. */
export interface PipelineWorkerData {
  dataDir: string;
  env: string;
  logLevel: string;
  version: string;
  maxPayloadBytes: number;
  signing: boolean;
}

/** How often the worker's event log looks for records the main thread appended, in milliseconds. */
export const WORKER_POLL_INTERVAL_MS = 5;

/** The validator and the storage writer, without HTTP, for the pipeline worker thread. */
@Module({})
export class PipelineModule {
  static register(data: PipelineWorkerData) {
    return {
      module: PipelineModule,
      imports: [
        RuntimeModule.forRoot({
          service: 'platform-pipeline',
          version: data.version,
          env: data.env,
          logLevel: data.logLevel,
          dataDir: data.dataDir,
          eventLogPollIntervalMs: WORKER_POLL_INTERVAL_MS,
          processMetrics: false,
        }),
        ValidationModule.register(new ValidatorSettings(data.maxPayloadBytes, data.version, data.signing)),
        StorageModule,
      ],
    };
  }
}
