import { dirname, join } from 'node:path';
import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  RequestMethod,
} from '@nestjs/common';
import express from 'express';
import { DashboardConfigController } from './dashboard-config.controller';
import { DASHBOARD_OPTIONS, type DashboardOptions, validateDashboardOptions } from './dashboard.options';
import { LatestFeedService } from './live/latest-feed.service';
import { LatestStreamController } from './live/latest-stream.controller';
import { type CompressedStaticHandler, compressedStatic } from './static/compressed-static';

/** `public/` beside `src/` and `dist/`, so the same path works under jest and at run time. */
export const DASHBOARD_PUBLIC_DIR = join(__dirname, '..', 'public');

/** Folders of the browser builds of Leaflet and uPlot, found where Node resolves the packages. */
export function vendorDirs(): { leaflet: string; uplot: string } {
  return {
    leaflet: dirname(require.resolve('leaflet/dist/leaflet.js')),
    uplot: join(dirname(require.resolve('uplot/package.json')), 'dist'),
  };
}

/** Seconds a browser may reuse a vendored library without asking; the URLs carry no version. */
const VENDOR_MAX_AGE_SECONDS = 300;

/**
 * Builds the router for the static pages and the vendored libraries. It runs as middleware, so
 * it responds before the global auth guard and needs no token; paths it does not know fall
 * through to the controllers. Text files go out gzip-compressed when the client accepts it. No
 * file name carries a content hash (there is no build step), so nothing is marked immutable: the
 * pages revalidate with their ETag on every load.
 */
export function createStaticRouter(): { router: express.Router; warm: () => Promise<void> } {
  const vendor = vendorDirs();
  const router = express.Router();
  const compressed: CompressedStaticHandler[] = [];
  const folders = [
    { path: '/vendor/leaflet', dir: vendor.leaflet, maxAgeSeconds: VENDOR_MAX_AGE_SECONDS },
    { path: '/vendor/uplot', dir: vendor.uplot, maxAgeSeconds: VENDOR_MAX_AGE_SECONDS },
    { path: '/', dir: DASHBOARD_PUBLIC_DIR, maxAgeSeconds: 0 },
  ];

  for (const { path, dir, maxAgeSeconds } of folders) {
    const cacheControl = `public, max-age=${maxAgeSeconds}`;
    const handler = compressedStatic(dir, { cacheControl, index: 'index.html' });
    compressed.push(handler);
    router.use(path, handler);
    router.use(path, express.static(dir, { fallthrough: true, index: 'index.html', maxAge: maxAgeSeconds * 1000 }));
  }

  // One folder after the other, so the gzip copies take at most one thread of libuv's pool.
  const warm = async () => {
    for (const handler of compressed) {
      await handler.warm();
    }
  };

  return { router, warm };
}

/**
 * Public portal and admin console: static pages at `/`, Leaflet and uPlot under `/vendor/`,
 * settings at `/config.js`, and the live stream of latest values at
 * `/api/v1/tenants/{tenant}/latest/stream`. Needs the global RuntimeModule (registry,
 * time-series store, logger).
 */
@Module({})
export class DashboardModule implements NestModule, OnApplicationBootstrap {
  private readonly staticFiles = createStaticRouter();

  static register(options: DashboardOptions): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardConfigController, LatestStreamController],
      providers: [{ provide: DASHBOARD_OPTIONS, useValue: validateDashboardOptions(options) }, LatestFeedService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.staticFiles.router).forRoutes({ path: '{*path}', method: RequestMethod.GET });
  }

  /** Starts making the gzip copies of the static files in the background; requests need not wait for it. */
  onApplicationBootstrap(): void {
    void this.staticFiles.warm();
  }
}
