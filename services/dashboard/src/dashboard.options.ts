import { AppError, ErrorCode, isTenantId } from '@stadtdaten/contracts';

/** OpenID Connect settings of the admin console's login (authorization code flow with PKCE). */
export interface DashboardOidcOptions {
  /** Issuer URL; the browser reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** Public client registered at the issuer with PKCE (S256) and the redirect `<origin>/admin.html`. */
  clientId: string;
}

/** Settings of the dashboard, passed to `DashboardModule.register`. */
export interface DashboardOptions {
  /** Tenant whose things the pages show when the URL names none. */
  tenant: string;
  /** Raster tile URL template with {z}, {x} and {y}; undefined draws the offline city outline only. */
  tileUrl?: string;
  /** Attribution text shown with the tiles, as the tile provider requires. */
  tileAttribution?: string;
  /**
   * Login of the admin console. Undefined (embedded mode, built-in issuer) makes the console
   * accept a pasted bearer token instead, because the built-in issuer has no authorization endpoint.
   */
  oidc?: DashboardOidcOptions;
  /** Milliseconds between two reads of the latest values for the live stream; default 3000. */
  liveIntervalMs?: number;
  /** Open live streams this process serves at most; further ones get 503. Default 1000. */
  maxLiveClients?: number;
}

/** DashboardOptions with every default filled in. */
export type ResolvedDashboardOptions = DashboardOptions & Required<Pick<DashboardOptions, 'liveIntervalMs' | 'maxLiveClients'>>;

export const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

const DEFAULT_LIVE_INTERVAL_MS = 3000;
const DEFAULT_MAX_LIVE_CLIENTS = 1000;

/** Throws INVALID_CONFIG when a setting cannot work in the browser; returns the options with defaults. */
export function validateDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (!isTenantId(options.tenant)) {
    throw invalid(
      `dashboard tenant "${options.tenant}" is invalid: use lower-case letters, digits and dashes, starting with a letter`,
    );
  }
  if (options.tileUrl !== undefined) {
    validateTileUrl(options.tileUrl);
  }
  if (options.oidc !== undefined) {
    validateOidc(options.oidc);
  }
  const liveIntervalMs = options.liveIntervalMs ?? DEFAULT_LIVE_INTERVAL_MS;
  if (!Number.isInteger(liveIntervalMs) || liveIntervalMs < 100) {
    throw invalid(`dashboard live interval ${String(liveIntervalMs)} ms is invalid: use a whole number of at least 100`);
  }
  const maxLiveClients = options.maxLiveClients ?? DEFAULT_MAX_LIVE_CLIENTS;
  if (!Number.isInteger(maxLiveClients) || maxLiveClients < 1) {
    throw invalid(`dashboard live client limit ${String(maxLiveClients)} is invalid: use a whole number of at least 1`);
  }

  return { ...options, liveIntervalMs, maxLiveClients };
}

function validateTileUrl(tileUrl: string): void {
  const missing = ['{z}', '{x}', '{y}'].filter((placeholder) => !tileUrl.includes(placeholder));
  if (!/^https?:\/\//.test(tileUrl) || missing.length > 0) {
    throw invalid(
      `dashboard tile URL "${tileUrl}" is invalid: use an http(s) URL template with {z}, {x} and {y}` +
        (missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''),
    );
  }
}

function validateOidc(oidc: DashboardOidcOptions): void {
  if (typeof oidc.issuer !== 'string' || !/^https?:\/\/[^/]+/.test(oidc.issuer)) {
    throw invalid(`dashboard OIDC issuer "${String(oidc.issuer)}" is invalid: use the issuer URL, e.g. https://keycloak.example/realms/stadtdaten`);
  }
  if (typeof oidc.clientId !== 'string' || !/^[A-Za-z0-9._:-]{1,200}$/.test(oidc.clientId)) {
    throw invalid(`dashboard OIDC client id "${String(oidc.clientId)}" is invalid: use the id of the public client, e.g. dashboard`);
  }
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.INVALID_CONFIG, message);
}
