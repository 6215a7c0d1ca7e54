// Login state of the admin console. The access token lives in sessionStorage, so it lasts for
// this tab only. With an OIDC issuer configured the console uses the authorization code flow
// with PKCE (RFC 7636, S256); without one (embedded mode, built-in issuer, which has no
// authorization endpoint) it accepts a pasted bearer token, e.g. from `stadtdaten token`.
import { config } from '../api.js';

const TOKEN_KEY = 'stadtdaten.token';
const ID_TOKEN_KEY = 'stadtdaten.idToken';
const PENDING_KEY = 'stadtdaten.oidcPending';
const REDIRECT_PATH = '/admin.html';

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function base64UrlEncode(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecodeText(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the claims of a JWT without checking its signature: the console only uses them to
 * decide which actions to offer, and the API checks every token itself. Returns null for a
 * value that is not a JWT.
 */
export function readClaims(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) {
    return null;
  }
  try {
    const claims = JSON.parse(base64UrlDecodeText(parts[1]));
    return {
      subject: claims.preferred_username ?? claims.sub ?? '',
      tenant: typeof claims.tenant === 'string' ? claims.tenant : '',
      roles: Array.isArray(claims.realm_access?.roles) ? claims.realm_access.roles : [],
      expiresAtMs: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
      nonce: claims.nonce,
    };
  } catch {
    return null;
  }
}

/** Returns `{ token, claims }` of a stored, unexpired token, or null. */
export function currentSession() {
  const token = storage()?.getItem(TOKEN_KEY) ?? '';
  const claims = readClaims(token);
  if (!claims || (claims.expiresAtMs !== null && claims.expiresAtMs <= Date.now())) {
    return null;
  }
  return { token, claims };
}

/** Stores a pasted token; returns the reason when it is not a readable, unexpired JWT. */
export function acceptPastedToken(token) {
  const trimmed = token.trim();
  const claims = readClaims(trimmed);
  if (!claims) {
    return 'invalid';
  }
  if (claims.expiresAtMs !== null && claims.expiresAtMs <= Date.now()) {
    return 'expired';
  }
  storage()?.setItem(TOKEN_KEY, trimmed);
  return null;
}

export function forgetSession() {
  storage()?.removeItem(TOKEN_KEY);
  storage()?.removeItem(ID_TOKEN_KEY);
}

function randomText(byteCount) {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** Derives the S256 code challenge of a PKCE code verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64UrlEncode(new Uint8Array(digest));
}

let discovery;

async function discover() {
  discovery ??= fetch(`${config.login.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`).then((response) => {
    if (!response.ok) {
      throw new Error(`discovery document of ${config.login.issuer} returned ${response.status}`);
    }
    return response.json();
  });
  return discovery;
}

function redirectUri() {
  return `${location.origin}${REDIRECT_PATH}`;
}

/** Sends the browser to the issuer's login page (authorization code flow with PKCE). */
export async function startOidcLogin(returnHash = location.hash) {
  const metadata = await discover();
  const verifier = randomText(32);
  const pending = { verifier, state: randomText(16), nonce: randomText(16), returnHash };
  storage()?.setItem(PENDING_KEY, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.login.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${metadata.authorization_endpoint}?${query}`);
}

/**
 * Completes a login when the address carries the issuer's answer (`code` and `state`, or
 * `error`). Returns null when there is nothing to complete, `{ ok: true, returnHash }` after a
 * login, or `{ ok: false, message }`. The answer is removed from the address either way.
 */
export async function completeOidcLogin() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) {
    return null;
  }
  history.replaceState(null, '', `${REDIRECT_PATH}${location.hash}`);
  const pending = JSON.parse(storage()?.getItem(PENDING_KEY) ?? 'null');
  storage()?.removeItem(PENDING_KEY);
  if (params.has('error')) {
    return { ok: false, message: `${params.get('error')}: ${params.get('error_description') ?? ''}`.trim() };
  }
  if (!pending || params.get('state') !== pending.state) {
    return { ok: false, message: 'the state of the login answer does not match this tab; start the login again' };
  }
  const metadata = await discover();
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: config.login.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.access_token !== 'string') {
    return { ok: false, message: `token request failed with ${response.status}: ${body.error_description ?? body.error ?? ''}` };
  }
  if (body.id_token && readClaims(body.id_token)?.nonce !== pending.nonce) {
    return { ok: false, message: 'the nonce of the ID token does not match this login; start the login again' };
  }
  storage()?.setItem(TOKEN_KEY, body.access_token);
  if (body.id_token) {
    storage()?.setItem(ID_TOKEN_KEY, body.id_token);
  }
  return { ok: true, returnHash: pending.returnHash ?? '' };
}

/** Ends the session; with OIDC also at the issuer, which sends the browser back to the console. */
export async function logout() {
  const idToken = storage()?.getItem(ID_TOKEN_KEY);
  forgetSession();
  if (config.login.mode !== 'oidc') {
    return;
  }
  const metadata = await discover().catch(() => null);
  if (metadata?.end_session_endpoint) {
    const query = new URLSearchParams({ client_id: config.login.clientId, post_logout_redirect_uri: redirectUri() });
    if (idToken) {
      query.set('id_token_hint', idToken);
    }
    location.assign(`${metadata.end_session_endpoint}?${query}`);
  }
}
