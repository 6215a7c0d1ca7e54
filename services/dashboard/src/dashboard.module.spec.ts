import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { RegistryService } from '@stadtdaten/registry';
import { HttpEdgeModule, RuntimeModule, createHttpApp } from '@stadtdaten/runtime';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import pino from 'pino';
import { DashboardModule } from './dashboard.module';
import type { DashboardOptions } from './dashboard.options';

const LIVE_INTERVAL_MS = 150;
const CATALOG = {
  tenants: [{ id: 'darmstadt', name: 'Darmstadt' }],
  observedProperties: [{ id: 'fill_level', name: 'Füllstand', definition: 'urn:stadtdaten:property:fill_level' }],
  deviceTypes: [
    {
      id: 'glass-sensor',
      tenant: 'darmstadt',
      name: 'Glass container sensor',
      payloadFormat: 'json',
      fields: [{ field: 'fill', observedProperty: 'fill_level', unit: '%', type: 'number', min: 0, max: 100 }],
    },
  ],
  things: [{ tenant: 'darmstadt', id: 'container-1', name: 'Container 1', useCase: 'waste', location: { type: 'Point', coordinates: [8.65, 49.87] } }],
  devices: [
    { tenant: 'darmstadt', id: 'glass-public', type: 'glass-sensor', thing: 'container-1', classification: 'public' },
    { tenant: 'darmstadt', id: 'glass-internal', type: 'glass-sensor', thing: 'container-1', classification: 'internal' },
  ],
};

@Controller('api/v1/protected')
class ProtectedController {
  @Get()
  read() {
    return { ok: true };
  }
}

/** Starts the module with the runtime's embedded adapters and the HTTP edge (auth guard, problem filter) on 127.0.0.1. */
async function startApp(dataDir: string, options: Partial<DashboardOptions> = {}) {
  @Module({
    imports: [
      RuntimeModule.forRoot({ service: 'dashboard-test', version: 'test', env: 'test', logLevel: 'silent', dataDir, logger: pino({ level: 'silent' }) }),
      HttpEdgeModule,
      DashboardModule.register({ tenant: 'darmstadt', tileUrl: 'https://tiles.test/{z}/{x}/{y}.png', liveIntervalMs: LIVE_INTERVAL_MS, ...options }),
    ],
    controllers: [ProtectedController],
  })
  class TestAppModule {}

  const app = await createHttpApp(TestAppModule);
  await app.listen(0, '127.0.0.1');

  return { app, baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

function observation(datastreamId: string, timeMs: number, result: number) {
  return {
    id: `${datastreamId}-${timeMs}`,
    tenant: 'darmstadt',
    datastreamId,
    phenomenonTimeMs: timeMs,
    resultTimeMs: timeMs + 100,
    receivedAtMs: timeMs + 200,
    result,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
  };
}

interface StreamEvent {
  name: string;
  entries: Array<{ datastreamId: string; id: string; result: unknown; resultTime: string }>;
}

/** Reads server-sent events from an open response until `count` events arrived or `timeoutMs` passed. */
async function readEvents(response: Response, count: number, timeoutMs = 5000): Promise<StreamEvent[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), deadline - Date.now());
    });
    const chunk = await Promise.race([reader.read(), timeout]);
    clearTimeout(timer);
    if (chunk === null || chunk.done) {
      break;
    }
    buffer += decoder.decode(chunk.value, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const name = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (name && data) {
        events.push({ name, entries: JSON.parse(data) });
      }
    }
  }
  await reader.cancel();

  return events;
}

describe(DashboardModule.name, () => {
  let app: INestApplication;
  let baseUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-dashboard-module-'));
    ({ app, baseUrl } = await startApp(dataDir, { maxLiveClients: 2 }));
    await app.get(RegistryService).applyCatalog(CATALOG);
    await app.get(TimeSeriesStore).write([observation('glass-public.fill', 1_733_310_000_000, 42.5), observation('glass-internal.fill', 1_733_310_000_000, 7)]);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves index page without token', async () => {
    const response = await fetch(`${baseUrl}/`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('id="map"');
  });

  it.each([
    ['/thing.html', 'text/html'],
    ['/use-case.html', 'text/html'],
    ['/datastream.html', 'text/html'],
    ['/admin.html', 'text/html'],
    ['/rejections.html', 'text/html'],
    ['/js/i18n.js', 'javascript'],
    ['/js/proof/verify.js', 'javascript'],
    ['/js/admin/screens/rejections.js', 'javascript'],
    ['/darmstadt-outline.geojson', 'json'],
    ['/vendor/leaflet/leaflet.js', 'javascript'],
    ['/vendor/leaflet/leaflet.css', 'text/css'],
    ['/vendor/uplot/uPlot.iife.min.js', 'javascript'],
    ['/vendor/uplot/uPlot.min.css', 'text/css'],
  ])('serves %s', async (path, contentType) => {
    const response = await fetch(`${baseUrl}${path}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(contentType);
  });

  it.each([
    ['/js/map.js', 'public, max-age=0'],
    ['/darmstadt-outline.geojson', 'public, max-age=0'],
    ['/', 'public, max-age=0'],
    ['/vendor/leaflet/leaflet.js', 'public, max-age=300'],
    ['/vendor/uplot/uPlot.min.css', 'public, max-age=300'],
  ])('compresses %s for gzip clients', async (path, cacheControl) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { 'accept-encoding': 'gzip' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toContain('Accept-Encoding');
    expect(response.headers.get('etag')).toMatch(/-gzip"$/);
    expect(response.headers.get('cache-control')).toBe(cacheControl);
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it('serves config script with options', async () => {
    const response = await fetch(`${baseUrl}/config.js`);
    const body = await response.text();
    const config = JSON.parse(body.replace(/^window\.STADTDATEN_CONFIG = /, '').replace(/;\s*$/, ''));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(config.tenant).toBe('darmstadt');
    expect(config.tileUrl).toBe('https://tiles.test/{z}/{x}/{y}.png');
    expect(config.rejectionCodes).toContain('UNKNOWN_DEVICE');
    expect(config.login).toEqual({ mode: 'token' });
    expect(config.licence.id).toBe('dl-de/by-2-0');
  });

  it('leaves other routes to guard', async () => {
    const response = await fetch(`${baseUrl}/api/v1/protected`);

    expect(response.status).toBe(401);
  });

  it('returns 404 for unknown file', async () => {
    const response = await fetch(`${baseUrl}/missing-page.html`);

    expect(response.status).toBe(404);
  });

  describe('live stream', () => {
    const streamUrl = () => `${baseUrl}/api/v1/tenants/darmstadt/latest/stream`;

    it('sends snapshot of public values only', async () => {
      const response = await fetch(streamUrl());
      const [snapshot] = await readEvents(response, 1);

      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(snapshot.name).toBe('snapshot');
      expect(snapshot.entries.map((entry) => entry.datastreamId)).toEqual(['glass-public.fill']);
      expect(snapshot.entries[0]).toMatchObject({ id: 'glass-public.fill-1733310000000', result: 42.5, resultTime: '2024-12-04T11:00:00.100Z' });
    });

    it('sends update after a new value', async () => {
      const response = await fetch(streamUrl());
      const reading = readEvents(response, 2);
      await new Promise((resolve) => setTimeout(resolve, LIVE_INTERVAL_MS * 2));
      await app.get(TimeSeriesStore).write([observation('glass-public.fill', 1_733_310_060_000, 43)]);
      const events = await reading;

      expect(events.map((event) => event.name)).toEqual(['snapshot', 'update']);
      expect(events[1].entries).toEqual([expect.objectContaining({ datastreamId: 'glass-public.fill', result: 43 })]);
    });

    it('returns 404 for unknown tenant', async () => {
      const response = await fetch(`${baseUrl}/api/v1/tenants/nowhere/latest/stream`);

      expect(response.status).toBe(404);
    });

    /** Opens a stream; retries while streams of earlier tests are still closing on the server. */
    async function openStream(): Promise<Response> {
      for (let attempt = 0; attempt < 50; attempt++) {
        const response = await fetch(streamUrl());
        if (response.status === 200) {
          return response;
        }
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('no stream slot became free within 50 attempts');
    }

    it('rejects streams beyond client limit', async () => {
      const held = [await openStream(), await openStream()];
      const third = await fetch(streamUrl());

      expect(held.map((response) => response.status)).toEqual([200, 200]);
      expect(third.status).toBe(503);
      await Promise.all(held.map((response) => response.body?.cancel()));
      await third.body?.cancel();
    });
  });
});

describe('DashboardModule.register', () => {
  it('rejects invalid tenant', () => {
    expect(() => DashboardModule.register({ tenant: 'Darm Stadt' })).toThrow(/tenant "Darm Stadt" is invalid/);
  });

  it('rejects tile URL without placeholders', () => {
    expect(() => DashboardModule.register({ tenant: 'darmstadt', tileUrl: 'https://tiles.test/tile.png' })).toThrow(/missing \{z\}, \{x\}, \{y\}/);
  });

  it('rejects OIDC issuer that is no URL', () => {
    expect(() => DashboardModule.register({ tenant: 'darmstadt', oidc: { issuer: 'keycloak', clientId: 'dashboard' } })).toThrow(/OIDC issuer "keycloak" is invalid/);
  });

  it('rejects live interval below 100 ms', () => {
    expect(() => DashboardModule.register({ tenant: 'darmstadt', liveIntervalMs: 10 })).toThrow(/live interval 10 ms is invalid/);
  });
});
