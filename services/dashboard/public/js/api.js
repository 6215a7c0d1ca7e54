// Settings from /config.js and the fetch helpers for the platform's REST API.

const DEFAULT_TENANT = 'darmstadt';
const TENANT_ID = /^[a-z][a-z0-9-]*$/;

/** Settings served by the platform; a page opened from plain files runs with the defaults. */
export const config = {
  tenant: DEFAULT_TENANT,
  tileUrl: null,
  tileAttribution: null,
  rejectionCodes: [],
  login: { mode: 'token' },
  licence: { id: 'dl-de/by-2-0', name: 'Datenlizenz Deutschland – Namensnennung – Version 2.0', url: 'https://www.govdata.de/dl-de/by-2-0' },
  sensorThingsPath: '/sta/v1.1',
  ...(window.STADTDATEN_CONFIG ?? {}),
};

/** Returns the tenant named in the address (?tenant=…), else the configured one. */
export function currentTenant() {
  const fromUrl = new URLSearchParams(location.search).get('tenant');
  return fromUrl && TENANT_ID.test(fromUrl) ? fromUrl : config.tenant;
}

/** An HTTP error of the API, with its status and the server's message where one was sent. */
export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export function tenantPath(tenant, path) {
  return `/api/v1/tenants/${encodeURIComponent(tenant)}${path}`;
}

/** Writes a SensorThings entity key: quotes doubled, then percent-encoded except `@` and `:`. */
function staKey(id) {
  return `('${encodeURIComponent(id.replace(/'/g, "''")).replace(/%40/g, '@').replace(/%3A/g, ':')}')`;
}

/** Returns the SensorThings API address of a thing or datastream of the tenant. */
export function sensorThingsUrl(tenant, entitySet, id) {
  const root = `${config.sensorThingsPath}/tenants/${encodeURIComponent(tenant)}`;
  return id === undefined ? root : `${root}/${entitySet}${staKey(id)}`;
}

/** Fetches JSON from the API; throws ApiError on a non-2xx status. `cache` is the fetch cache mode. */
export async function getJson(path, { token, signal, cache } = {}) {
  return requestJson('GET', path, { token, signal, cache });
}

/**
 * Sends a request and returns the parsed JSON body (undefined for an empty body). A string
 * body is sent as it is with `contentType`; any other body is sent as JSON.
 */
export async function requestJson(method, path, { token, body, contentType, signal, cache } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['Content-Type'] = contentType ?? 'application/json';
  }
  const response = await fetch(path, { method, headers, body: payload, signal, cache });
  if (!response.ok) {
    const problem = await readProblem(response);
    throw new ApiError(response.status, problem.message, problem.body);
  }
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

async function readProblem(response) {
  try {
    const body = await response.json();
    const message = body.detail ?? body.message ?? body.title;
    if (typeof message === 'string') {
      return { message: `${response.status}: ${message}`, body };
    }
    return { message: `${response.status} ${response.statusText}`.trim(), body };
  } catch {
    // The body was not JSON; the status line then has to do.
    return { message: `${response.status} ${response.statusText}`.trim(), body: null };
  }
}

let formatsRequest;

/**
 * Returns the values of the `format` parameter of the observations route, read from the
 * OpenAPI document, so that the download list follows what the API offers.
 */
export async function observationFormats() {
  formatsRequest ??= getJson('/api/v1/openapi.json')
    .then((document) => {
      const operation = document.paths?.['/tenants/{tenant}/datastreams/{id}/observations']?.get;
      const parameter = operation?.parameters?.find((candidate) => candidate.name === 'format');
      const formats = parameter?.schema?.enum;
      return Array.isArray(formats) && formats.length > 0 ? formats : ['json', 'csv', 'csv-de'];
    })
    .catch(() => ['json', 'csv', 'csv-de']);
  return formatsRequest;
}
