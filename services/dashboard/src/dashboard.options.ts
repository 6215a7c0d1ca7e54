import { AppError, ErrorCode, isTenantId } from '@stadtdaten/contracts';

/** Settings of the public dashboard, passed to `DashboardModule.register`. */
export interface DashboardOptions {
  /** Tenant whose things the pages show when the URL names none. */
  tenant: string;
  /** Raster tile URL template with {z}, {x} and {y}; undefined draws the offline city outline only. */
  tileUrl?: string;
  /** Attribution text shown with the tiles, as the tile provider requires. */
  tileAttribution?: string;
}

export const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

/** Throws INVALID_CONFIG when the tenant id or the tile URL template cannot work in the browser. */
export function validateDashboardOptions(options: DashboardOptions): DashboardOptions {
  if (!isTenantId(options.tenant)) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `dashboard tenant "${options.tenant}" is invalid: use lower-case letters, digits and dashes, starting with a letter`,
    );
  }
  if (options.tileUrl !== undefined) {
    validateTileUrl(options.tileUrl);
  }

  return options;
}

function validateTileUrl(tileUrl: string): void {
  const missing = ['{z}', '{x}', '{y}'].filter((placeholder) => !tileUrl.includes(placeholder));
  if (!/^https?:\/\//.test(tileUrl) || missing.length > 0) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `dashboard tile URL "${tileUrl}" is invalid: use an http(s) URL template with {z}, {x} and {y}` +
        (missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''),
    );
  }
}
