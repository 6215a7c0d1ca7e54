import { Controller, Get, Header, Inject } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import { RejectionCode } from '@stadtdaten/contracts';
import { DASHBOARD_OPTIONS, type ResolvedDashboardOptions } from './dashboard.options';

/** Licence of the open data the portal offers for download. */
export const OPEN_DATA_LICENCE = {
  id: 'dl-de/by-2-0',
  name: 'Datenlizenz Deutschland – Namensnennung – Version 2.0',
  url: 'https://www.govdata.de/dl-de/by-2-0',
} as const;

/** Settings the browser pages read from `window.STADTDATEN_CONFIG`. */
export interface BrowserConfig {
  tenant: string;
  tileUrl: string | null;
  tileAttribution: string | null;
  rejectionCodes: string[];
  /** `token`: the console accepts a pasted bearer token; `oidc`: authorization code flow with PKCE. */
  login: { mode: 'token' } | { mode: 'oidc'; issuer: string; clientId: string };
  licence: typeof OPEN_DATA_LICENCE;
  /** Path of the SensorThings API; the tenant follows as `/tenants/<tenant>`. */
  sensorThingsPath: string;
}

/** Serves `/config.js`, which the pages load before their modules. */
@Controller()
@OptionalAuth()
export class DashboardConfigController {
  private readonly script: string;

  constructor(@Inject(DASHBOARD_OPTIONS) options: ResolvedDashboardOptions) {
    const config: BrowserConfig = {
      tenant: options.tenant,
      tileUrl: options.tileUrl ?? null,
      tileAttribution: options.tileAttribution ?? null,
      rejectionCodes: Object.values(RejectionCode),
      login: options.oidc ? { mode: 'oidc', issuer: options.oidc.issuer, clientId: options.oidc.clientId } : { mode: 'token' },
      licence: OPEN_DATA_LICENCE,
      sensorThingsPath: '/sta/v1.1',
    };
    // Escaping "<" keeps the script safe even if a page ever inlines it.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    this.script = `window.STADTDATEN_CONFIG = ${json};\n`;
  }

  @Get('config.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  getConfigScript(): string {
    return this.script;
  }
}
