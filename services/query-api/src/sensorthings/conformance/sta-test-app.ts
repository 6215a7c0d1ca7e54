import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { BuiltinIssuer } from '@stadtdaten/auth';
import { loadConfig } from '@stadtdaten/config';
import type { Role } from '@stadtdaten/contracts';
import { createHttpApp } from '@stadtdaten/runtime';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { StorageModule } from '@stadtdaten/storage-writer';
import { ValidationModule, ValidatorSettings } from '@stadtdaten/validator';
import { AppModule } from '../../app.module';
import { SensorThingsSettings } from '../sensorthings-settings';
import { queryApiConfigSchema } from '../../config';

export interface StaTestApp {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:41234 */
  url: string;
  sta(tenant: string): string;
  token(tenant: string, roles: Role[]): Promise<string>;
  request(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  applyCatalog(document: object): Promise<void>;
  /** The limits of the running SensorThings module; tests may lower them and must restore them. */
  settings: SensorThingsSettings;
  /** The application's time-series store, to seed observations for read tests. */
  store: TimeSeriesStore;
  close(): Promise<void>;
}

/**
 * Starts the query-api application on the embedded adapters in a temporary folder, with the
 * validator and the storage writer beside it, so that created observations reach the store.
 */
export async function startStaTestApp(): Promise<StaTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-sta-'));
  const config = loadConfig(queryApiConfigSchema, {
    STADTDATEN_DATA_DIR: dataDir,
    STADTDATEN_LOG_LEVEL: process.env.STADTDATEN_TEST_LOG_LEVEL ?? 'silent',
  });

  @Module({
    imports: [
      AppModule.register(config),
      ValidationModule.register(new ValidatorSettings(1_000_000, 'sta-test')),
      StorageModule,
    ],
  })
  class StaTestModule {}

  const app = await createHttpApp(StaTestModule);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const issuer = app.get(BuiltinIssuer);

  const request: StaTestApp['request'] = async (method, target, options = {}) => {
    const response = await fetch(target.startsWith('http') ? target : `${url}${target}`, {
      method,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        'accept-language': 'en',
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // A $value response is plain text.
    }

    return { status: response.status, body, headers: response.headers };
  };

  return {
    url,
    sta: (tenant) => `${url}/sta/v1.1/tenants/${tenant}`,
    token: (tenant, roles) => issuer.issue({ tenant, roles, subject: `${tenant}-test` }),
    request,
    store: app.get(TimeSeriesStore),
    settings: app.get(SensorThingsSettings, { strict: false }),
    applyCatalog: async (document) => {
      const token = await issuer.issue({
        tenant: 'platform',
        roles: ['platform-admin'],
        subject: 'sta-test',
      });
      const { status, body } = await request('POST', '/api/v1/catalog', { token, body: document });
      if (status !== 200 && status !== 201) {
        throw new Error(`catalog rejected (${status}): ${JSON.stringify(body)}`);
      }
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
