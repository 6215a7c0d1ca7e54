import { dirname, join } from 'node:path';
import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import express from 'express';
import { DashboardConfigController } from './dashboard-config.controller';
import { DASHBOARD_OPTIONS, type DashboardOptions, validateDashboardOptions } from './dashboard.options';
import { LatestFeedService } from './live/latest-feed.service';
import { LatestStreamController } from './live/latest-stream.controller';

/** `public/` beside `src/` and `dist/`, so the same path works under jest and at run time. */
export const DASHBOARD_PUBLIC_DIR = join(__dirname, '..', 'public');

/** Folders of the browser builds of Leaflet and uPlot, found where Node resolves the packages. */
export function vendorDirs(): { leaflet: string; uplot: string } {
  return {
    leaflet: dirname(require.resolve('leaflet/dist/leaflet.js')),
    uplot: join(dirname(require.resolve('uplot/package.json')), 'dist'),
  };
}

/**
 * Builds the router for the static pages and the vendored libraries. It runs as middleware, so
 * it responds before the global auth guard and needs no token; paths it does not know fall
 * through to the controllers.
 */
export function createStaticRouter(): express.Router {
  const vendor = vendorDirs();
  const router = express.Router();
  const staticOptions = { fallthrough: true, index: 'index.html', maxAge: '5m' };

  router.use('/vendor/leaflet', express.static(vendor.leaflet, staticOptions));
  router.use('/vendor/uplot', express.static(vendor.uplot, staticOptions));
  router.use(express.static(DASHBOARD_PUBLIC_DIR, { ...staticOptions, maxAge: 0 }));

  return router;
}

/**
 * Public portal and admin console: static pages at `/`, Leaflet and uPlot under `/vendor/`,
 * settings at `/config.js`, and the live stream of latest values at
 * `/api/v1/tenants/{tenant}/latest/stream`. Needs the global RuntimeModule (registry,
 * time-series store, logger).
 */
@Module({})
export class DashboardModule implements NestModule {
  static register(options: DashboardOptions): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardConfigController, LatestStreamController],
      providers: [{ provide: DASHBOARD_OPTIONS, useValue: validateDashboardOptions(options) }, LatestFeedService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(createStaticRouter()).forRoutes({ path: '{*path}', method: RequestMethod.GET });
  }
}
