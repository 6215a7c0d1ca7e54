import { Controller, Get, Header, Inject } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import { RejectionCode } from '@stadtdaten/contracts';
import { DASHBOARD_OPTIONS, type DashboardOptions } from './dashboard.options';

/** Settings the browser pages read from `window.STADTDATEN_CONFIG`. */
export interface BrowserConfig {
  tenant: string;
  tileUrl: string | null;
  tileAttribution: string | null;
  rejectionCodes: string[];
}

/** Serves `/config.js`, which the pages load before their modules. */
@Controller()
@OptionalAuth()
export class DashboardConfigController {
  private readonly script: string;

  constructor(@Inject(DASHBOARD_OPTIONS) options: DashboardOptions) {
    const config: BrowserConfig = {
      tenant: options.tenant,
      tileUrl: options.tileUrl ?? null,
      tileAttribution: options.tileAttribution ?? null,
      rejectionCodes: Object.values(RejectionCode),
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
