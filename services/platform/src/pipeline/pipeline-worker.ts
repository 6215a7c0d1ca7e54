// Entry of a pipeline worker thread: runs one stage (the validator or the storage writer)
// on the platform's data folder, so that the stages use the second core while the main
// thread serves MQTT and HTTP. Messages from the main thread: registry-changed, stop. Messages to it:
// ready, status (metrics and readiness, every second), stopped, failed.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { Health, Metrics, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { NestPinoLogger } from '@stadtdaten/runtime';
import { PipelineModule, type PipelineWorkerData } from './pipeline.module';

const STATUS_INTERVAL_MS = 1000;

async function main(): Promise<void> {
  const port = parentPort!;
  const app = await NestFactory.createApplicationContext(PipelineModule.register(workerData as PipelineWorkerData), {
    bufferLogs: true,
  });
  app.useLogger(new NestPinoLogger(app.get(ProcessLogger).root));
  await app.init();

  const registry = app.get(RegistryService);
  const metrics = app.get(Metrics);
  const health = app.get(Health);
  const status = setInterval(() => {
    void Promise.all([metrics.registry.getMetricsAsJSON(), health.readiness()]).then(([snapshot, readiness]) =>
      port.postMessage({ type: 'status', snapshot, ready: readiness.ready }),
    );
  }, STATUS_INTERVAL_MS);

  port.on('message', (message: { type: string }) => {
    if (message.type === 'registry-changed') {
      registry.invalidateCache();
    }
    if (message.type === 'stop') {
      clearInterval(status);
      void app.close().then(() => port.postMessage({ type: 'stopped' }));
    }
  });
  port.postMessage({ type: 'ready' });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'failed', message: error instanceof Error ? error.stack : String(error) });
});
