import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BuiltinIssuer, TokenVerifier } from '@stadtdaten/auth';
import {
  type ObservationInit,
  type Role,
  TopicKind,
  createObservation,
  encodeObservation,
  observationId,
  topicName,
} from '@stadtdaten/contracts';
import { EventLog } from '@stadtdaten/event-log';
import { MqttIngress } from '@stadtdaten/mqtt';
import { RegistryService } from '@stadtdaten/registry';
import { HttpEdgeModule, RuntimeModule, createHttpApp } from '@stadtdaten/runtime';
import { StorageModule } from '@stadtdaten/storage-writer';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import pino from 'pino';
import { AnalyticsModule } from '../src/analytics.module';
import { AnalyticsSettings, type MqttClientOptions } from '../src/analytics-settings';
import { parseAnalyticsDefinition } from '../src/definition/analytics-definition.loader';

type ObservationFields = NonNullable<ObservationInit>;

export interface AnalyticsTestApp {
  app: NestExpressApplication;
  url: string;
  dataDir: string;
  registry: RegistryService;
  store: TimeSeriesStore;
  eventLog: EventLog;
  token(tenant: string, roles: Role[]): Promise<string>;
  get<T = any>(path: string, token?: string): Promise<{ status: number; body: T }>;
  /** Appends validated observations to the tenant's observations topic, as the validator does. */
  publish(tenant: string, observations: ObservationFields[]): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** The analytics document (format of STADTDATEN_ANALYTICS_FILE); `{}` runs the built-in jobs. */
  document?: unknown;
  mqttClient?: MqttClientOptions;
  /** Provides an MQTT edge, as the ingest gateway does in the all-in-one platform. */
  mqttEdge?: (verifier: TokenVerifier) => MqttIngress;
}

/** Provides MqttIngress from a global module, as IngestModule does in the platform. */
function edgeModule(factory: TestAppOptions['mqttEdge']): DynamicModule[] {
  if (factory === undefined) {
    return [];
  }

  @Global()
  @Module({})
  class TestEdgeModule {}

  return [
    {
      module: TestEdgeModule,
      providers: [{ provide: MqttIngress, useFactory: (verifier: TokenVerifier) => factory(verifier), inject: [TokenVerifier] }],
      exports: [MqttIngress],
    },
  ];
}

/**
 * Starts the analytics module with the storage writer on the embedded adapters in a temporary
 * folder, listening on 127.0.0.1. Scheduled jobs never start by themselves (tests run them).
 */
export async function startAnalyticsTestApp(options: TestAppOptions = {}): Promise<AnalyticsTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-analytics-'));
  const settings = new AnalyticsSettings(parseAnalyticsDefinition(options.document ?? {}, 'test document'), options.mqttClient, true, {
    initialDelayMs: 3_600_000,
    directoryTtlMs: 0,
    lagRefreshMs: 100,
  });

  @Module({
    imports: [
      RuntimeModule.forRoot({
        service: 'analytics-test',
        version: 'test',
        env: 'test',
        logLevel: 'silent',
        dataDir,
        logger: pino({ level: process.env.STADTDATEN_TEST_LOG_LEVEL ?? 'silent' }),
        eventLogPollIntervalMs: 20,
      }),
      HttpEdgeModule,
      ...edgeModule(options.mqttEdge),
      AnalyticsModule.register(settings),
      StorageModule,
    ],
  })
  class AnalyticsTestModule {}

  const app = await createHttpApp(AnalyticsTestModule);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const issuer = app.get(BuiltinIssuer);
  const eventLog = app.get(EventLog);

  return {
    app,
    url,
    dataDir,
    registry: app.get(RegistryService),
    store: app.get(TimeSeriesStore),
    eventLog,
    token: (tenant, roles) => issuer.issue({ tenant, roles, subject: `${tenant}-test` }),
    get: async (path, token) => {
      const response = await fetch(`${url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

      return { status: response.status, body: (await response.json()) as never };
    },
    publish: async (tenant, observations) => {
      const topic = topicName(tenant, TopicKind.OBSERVATIONS);
      await eventLog.ensureTopics([topic]);
      await eventLog.append(
        topic,
        observations.map((init) => ({ key: init.datastreamId ?? '', value: encodeObservation(createObservation(init)) })),
      );
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds a validated numeric observation as the validator writes it. */
export function makeObservation(tenant: string, datastreamId: string, phenomenonTimeMs: number, value: number, overrides: Partial<ObservationFields> = {}): ObservationFields {
  const [deviceId] = datastreamId.split('.');

  return {
    id: observationId(tenant, datastreamId, phenomenonTimeMs),
    tenant,
    datastreamId,
    deviceId,
    thingId: 'thing-1',
    observedProperty: 'air_temperature',
    unit: 'Cel',
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs + 1000,
    result: { case: 'number' as const, value },
    classification: 'public',
    storageProfile: 'onprem-darz',
    rawMessageId: `raw-${datastreamId}-${phenomenonTimeMs}`,
    ...overrides,
  } as ObservationFields;
}

/** Polls until `probe` returns a value that `done` accepts; fails after timeoutMs. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }

  return last;
}

/** Builds a catalog with one tenant, one thing and the given device types and devices. */
export function catalog(tenant: string, deviceTypes: object[], devices: object[], things: object[] = []): Record<string, unknown> {
  return {
    tenants: [{ id: tenant, name: tenant }],
    observedProperties: [
      { id: 'air_temperature', name: 'Lufttemperatur', definition: 'urn:test:air_temperature' },
      { id: 'free_parking_spaces', name: 'Freie Stellplätze', definition: 'urn:test:free_parking_spaces' },
      { id: 'parking_capacity', name: 'Stellplätze', definition: 'urn:test:parking_capacity' },
      { id: 'no2', name: 'NO2', definition: 'urn:test:no2' },
      { id: 'pm10', name: 'PM10', definition: 'urn:test:pm10' },
      { id: 'pm2_5', name: 'PM2.5', definition: 'urn:test:pm2_5' },
      { id: 'o3', name: 'O3', definition: 'urn:test:o3' },
      { id: 'fill_level', name: 'Füllstand', definition: 'urn:test:fill_level' },
      { id: 'bicycle_count', name: 'Radverkehr', definition: 'urn:test:bicycle_count' },
      { id: 'status_text', name: 'Status', definition: 'urn:test:status' },
    ],
    deviceTypes: deviceTypes.map((type) => ({ tenant, payloadFormat: 'json', ...type })),
    things: [
      { tenant, id: 'thing-1', name: 'Thing 1', useCase: 'other', location: { type: 'Point', coordinates: [8.65, 49.87] } },
      ...things.map((thing) => ({ tenant, ...thing })),
    ],
    devices: devices.map((device) => ({ tenant, thing: 'thing-1', ...device })),
  };
}
