import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { BuiltinIssuer } from '@stadtdaten/auth';
import { checkPlaintext, loadConfig, plaintextListeners } from '@stadtdaten/config';
import type { Role } from '@stadtdaten/contracts';
import { AedesBroker, MqttIngress } from '@stadtdaten/mqtt';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { createHttpApp, readHttpsOptions, warnPlaintextListeners } from '@stadtdaten/runtime';
import { type PlatformConfig, platformConfigSchema } from './platform-config';
import { PLATFORM_VERSION, PlatformModule } from './platform.module';
import { PipelineWorkerService } from './pipeline/pipeline-worker.service';
import { DemoFleetService } from './demo/demo-fleet.service';

export interface StartOptions {
  dataDir: string;
  httpHost?: string;
  httpPort?: number;
  mqttHost?: string;
  mqttPort?: number;
  demo?: boolean;
  demoIntervalMs?: number;
  /** Connectors file (STADTDATEN_CONNECTORS_FILE). */
  connectorsFile?: string;
  logLevel?: string;
  tileUrl?: string;
  /** Further settings as environment variables (STADTDATEN_*); the options above win. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /**
   * Runs the validator and the storage writer in a worker thread, on the second core. Needs
   * the compiled code (dist); tests that run the TypeScript sources leave it off.
   */
  pipelineInWorker?: boolean;
}

export interface RunningPlatform {
  httpUrl: string;
  mqttUrl: string;
  config: PlatformConfig;
  issueToken(tenant: string, roles: Role[], subject?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts every service in this process on the embedded adapters. Throws AppError
 * INVALID_CONFIG when a listener on a non-loopback address would be plaintext and
 * STADTDATEN_ALLOW_PLAINTEXT is not set.
 */
export async function startPlatform(options: StartOptions): Promise<RunningPlatform> {
  const config = loadConfig(platformConfigSchema, {
    ...(options.env ?? {}),
    STADTDATEN_DATA_DIR: options.dataDir,
    STADTDATEN_HTTP_HOST: options.httpHost ?? options.env?.STADTDATEN_HTTP_HOST,
    STADTDATEN_HTTP_PORT: optionalString(options.httpPort) ?? options.env?.STADTDATEN_HTTP_PORT,
    STADTDATEN_MQTT_HOST: options.mqttHost ?? options.env?.STADTDATEN_MQTT_HOST,
    STADTDATEN_MQTT_PORT: optionalString(options.mqttPort) ?? options.env?.STADTDATEN_MQTT_PORT,
    STADTDATEN_DEMO: optionalString(options.demo) ?? options.env?.STADTDATEN_DEMO,
    STADTDATEN_DEMO_INTERVAL_MS: optionalString(options.demoIntervalMs) ?? options.env?.STADTDATEN_DEMO_INTERVAL_MS,
    STADTDATEN_LOG_LEVEL: options.logLevel ?? options.env?.STADTDATEN_LOG_LEVEL,
    STADTDATEN_TILE_URL: options.tileUrl ?? options.env?.STADTDATEN_TILE_URL,
    STADTDATEN_CONNECTORS_FILE: options.connectorsFile ?? options.env?.STADTDATEN_CONNECTORS_FILE,
    STADTDATEN_SIGNING: options.env?.STADTDATEN_SIGNING,
  });

  // The platform sends quality messages through its own MQTT broker and never connects to STADTDATEN_ANALYTICS_MQTT_URL.
  checkPlaintext({ ...config, STADTDATEN_ANALYTICS_MQTT_URL: undefined });
  const https = readHttpsOptions(config);

  const pipelineInWorker = options.pipelineInWorker ?? false;
  const platformModule = PlatformModule.register(config, { logger: options.logger, pipelineInWorker });
  const app = await createHttpApp(platformModule, { https });
  await app.listen(config.STADTDATEN_HTTP_PORT, config.STADTDATEN_HTTP_HOST);
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  const broker = app.get(MqttIngress) as AedesBroker;
  const issuer = app.get(BuiltinIssuer);
  const log = app.get(ProcessLogger).root;
  const host = (address: string) => (address.includes(':') ? `[${address}]` : address);
  const httpUrl = `${https === undefined ? 'http' : 'https'}://${host(config.STADTDATEN_HTTP_HOST)}:${httpPort}`;
  warnPlaintextListeners(
    log,
    plaintextListeners({ ...config, STADTDATEN_HTTP_PORT: httpPort, STADTDATEN_MQTT_PORT: broker.port }),
  );
  if (pipelineInWorker) {
    await app.get(PipelineWorkerService).start({
      dataDir: config.STADTDATEN_DATA_DIR,
      env: config.STADTDATEN_ENV,
      logLevel: config.STADTDATEN_LOG_LEVEL,
      version: PLATFORM_VERSION,
      maxPayloadBytes: config.STADTDATEN_MAX_PAYLOAD_BYTES,
      signing: config.STADTDATEN_SIGNING,
    });
  }
  await app.get(DemoFleetService).start();
  log.info({ url: httpUrl, mqtt: broker.port, dataDir: config.STADTDATEN_DATA_DIR }, 'platform started');

  return {
    httpUrl,
    mqttUrl: `mqtt://${host(config.STADTDATEN_MQTT_HOST)}:${broker.port}`,
    config,
    issueToken: (tenant, roles, subject = 'platform-test') => issuer.issue({ tenant, roles, subject }),
    stop: async () => {
      log.info('platform stopping');
      await app.close();
    },
  };
}

function optionalString(value: number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}
