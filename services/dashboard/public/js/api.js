// Settings from /config.js and the fetch helper for the platform's REST API.

const DEFAULT_TENANT = 'darmstadt';

/** Settings served by the platform; a page opened from plain files runs with the defaults. */
export const config = {
  tenant: DEFAULT_TENANT,
  tileUrl: null,
  tileAttribution: null,
  rejectionCodes: [],
  ...(window.STADTDATEN_CONFIG ?? {}),
};

/** Returns the tenant named in the address (?tenant=…), else the configured one. */
export function currentTenant() {
  const fromUrl = new URLSearchParams(location.search).get('tenant');
  return fromUrl && /^[a-z][a-z0-9-]*$/.test(fromUrl) ? fromUrl : config.tenant;
}

/** An HTTP error of the API, with its status and the server's message where one was sent. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function tenantPath(tenant, path) {
  return `/api/v1/tenants/${encodeURIComponent(tenant)}${path}`;
}

/** Fetches JSON from the API; throws ApiError on a non-2xx status. */
export async function getJson(path, { token, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const response = await fetch(path, { headers, signal });
  if (!response.ok) {
    throw new ApiError(response.status, await errorMessage(response));
  }
  return response.json();
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    const message = body.message ?? body.detail ?? body.title;
    if (typeof message === 'string') {
      return `${response.status}: ${message}`;
    }
  } catch {
    // The body was not JSON; the status line then has to do.
  }
  return `${response.status} ${response.statusText}`.trim();
}
