import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { BuiltinIssuer } from '@stadtdaten/auth';
import type { Role } from '@stadtdaten/contracts';
import { OpenDataSettings } from '@stadtdaten/opendata';
import { QueryApiModule } from '@stadtdaten/query-api';
import { HttpEdgeModule, RuntimeModule, createHttpApp } from '@stadtdaten/runtime';
import pino from 'pino';
// TODO: import OpenDataModule from '@stadtdaten/query-api' once services/query-api/src/index.ts exports it.
import { OpenDataModule } from '../../../query-api/src/opendata/opendata.module';

@Module({})
class OpenDataTestModule {
  static register(dataDir: string, settings: OpenDataSettings, logger: pino.Logger) {
    return {
      module: OpenDataTestModule,
      imports: [
        RuntimeModule.forRoot({ service: 'query-api', version: '0.1.0', env: 'test', logLevel: 'debug', dataDir, logger, processMetrics: false }),
        HttpEdgeModule,
        QueryApiModule,
        OpenDataModule.register(settings),
      ],
    };
  }
}

/**
 * Starts the REST API with the open-data module on a free port: the query API's modules as
 * the platform composes them, without the ingest pipeline. Without `dataDir` it runs in a new
 * temporary data folder that `stop` removes. A given `dataDir` stays, so a test can restart on it.
 */
export async function startOpenDataApp(options: { settings?: OpenDataSettings; logSink?: (line: string) => void; dataDir?: string } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stadtdaten-opendata-'));
  const sink = options.logSink;
  const logger = sink === undefined ? pino({ level: 'silent' }) : pino({ level: 'debug' }, { write: (line: string) => sink(line) });
  const app = await createHttpApp(OpenDataTestModule.register(dataDir, options.settings ?? new OpenDataSettings(), logger));
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const issuer = app.get(BuiltinIssuer);

  return {
    app,
    url,
    dataDir,
    issueToken: (tenant: string, roles: Role[]) => issuer.issue({ tenant, roles, subject: 'opendata-test' }),
    async stop() {
      await app.close();
      if (options.dataDir === undefined) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export type OpenDataApp = Awaited<ReturnType<typeof startOpenDataApp>>;

/** Applies a catalog document through the REST API as platform admin. */
export async function applyCatalogTo(app: OpenDataApp, yaml: string): Promise<void> {
  const token = await app.issueToken('platform', ['platform-admin']);
  const response = await fetch(`${app.url}/api/v1/catalog`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: yaml,
  });
  if (!response.ok) {
    throw new Error(`catalog rejected: ${response.status} ${await response.text()}`);
  }
}
