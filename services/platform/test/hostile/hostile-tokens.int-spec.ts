import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_ISSUER, TOKEN_AUDIENCE } from '@stadtdaten/auth';
import { type JWK, SignJWT, exportSPKI, importJWK } from 'jose';
import { connectAsync } from 'mqtt';
import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, startTestPlatform } from '../helpers';
import { HOSTILE_CATALOG, TENANT_A, call } from './hostile-platform';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Routes that need a token, and one that serves public data but checks a token that is sent. */
const ROUTES: Array<[method: string, path: string]> = [
  ['GET', `/api/v1/tenants/${TENANT_A}/rejections`],
  ['GET', '/api/v1/tenants'],
  ['POST', '/api/v1/ingest?device=a-meter'],
  ['POST', '/api/v1/catalog'],
  ['GET', '/api/v1/audit'],
];

describe('hostile tokens at the platform edge', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let issuerKey: { privateJwk: JWK; publicJwk: JWK };
  const tokens: Array<[name: string, token: string]> = [];

  async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
    const key = await importJWK(issuerKey.privateJwk, 'RS256');

    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: issuerKey.publicJwk.kid, ...header }).sign(key);
  }

  function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      iss: BUILTIN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: 'mallory',
      exp: nowSeconds() + 600,
      tenant: TENANT_A,
      realm_access: { roles: ['tenant-admin'] },
      ...overrides,
    };
  }

  beforeAll(async () => {
    let dataDir: string;
    ({ platform, cleanup, dataDir } = await startTestPlatform());
    await applyCatalog(platform, HOSTILE_CATALOG);
    issuerKey = JSON.parse(readFileSync(join(dataDir, 'keys', 'issuer.jwk.json'), 'utf8'));
    const publicPem = await exportSPKI(createPublicKey({ key: issuerKey.publicJwk as never, format: 'jwk' }));
    const valid = await platform.issueToken(TENANT_A, ['analyst'], 'analyst');
    const [header, , signature] = valid.split('.');
    const { exp: _exp, ...withoutExpiry } = claims();

    tokens.push(
      ['alg none', `${base64url({ alg: 'none' })}.${base64url(claims({ realm_access: { roles: ['platform-admin'] } }))}.`],
      [
        'HS256 keyed with the public key',
        await new SignJWT(claims({ realm_access: { roles: ['platform-admin'] } }))
          .setProtectedHeader({ alg: 'HS256', kid: issuerKey.publicJwk.kid })
          .sign(Buffer.from(publicPem)),
      ],
      ['unknown kid', await signed(claims(), { kid: 'rotated-out' })],
      ['wrong issuer', await signed(claims({ iss: 'https://idp.invalid/realms/stadtdaten' }))],
      ['wrong audience', await signed(claims({ aud: 'account' }))],
      ['expired', await signed(claims({ exp: nowSeconds() - 3600 }))],
      ['not yet valid', await signed(claims({ nbf: nowSeconds() + 3600 }))],
      ['missing exp', await signed(withoutExpiry)],
      ['tampered payload', `${header}.${base64url(claims({ realm_access: { roles: ['platform-admin'] } }))}.${signature}`],
      ['platform tenant without platform-admin', await signed(claims({ tenant: 'platform' }))],
      ['tenant list', await signed(claims({ tenant: [TENANT_A, 'heag'] }))],
      ['12 KiB of base64url', `${'A'.repeat(4_000)}.${'B'.repeat(4_000)}.${'C'.repeat(4_000)}`],
      ['Latin-1 bytes', 'ey\u00e4.\u00ff\u00fe.x'],
    );
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
  });

  it.each(ROUTES)('%s %s answers 401 to every hostile token', async (method, path) => {
    const problems: string[] = [];
    for (const [name, token] of tokens) {
      const body = method === 'POST' ? '{"level": 1}' : undefined;
      const response = await call(platform, method, path, { token, body, contentType: body && 'application/json' });
      const problem = response.text.startsWith('{') ? (JSON.parse(response.text) as { code?: string }) : {};
      if (response.status !== 401 || problem.code !== 'UNAUTHENTICATED') {
        problems.push(`${name}: ${response.status} ${response.text.slice(0, 160)}`);
      }
    }

    expect(problems).toEqual([]);
  });

  it('answers 403 to a valid token without the role', async () => {
    const device = await platform.issueToken(TENANT_A, ['device'], 'a-meter');

    const response = await call(platform, 'GET', `/api/v1/tenants/${TENANT_A}/rejections`, { token: device });

    expect(response.status).toBe(403);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses MQTT logins with hostile tokens and keeps serving', async () => {
    const refused: string[] = [];
    for (const [name, token] of tokens) {
      const login = connectAsync(platform.mqttUrl, { username: 'x', password: token, reconnectPeriod: 0, connectTimeout: 5_000 });
      await login.then(
        async (client) => {
          await client.endAsync();
        },
        (error: Error) => {
          refused.push(name);
          expect(error.message).toMatch(/Bad username or password|Not authorized/);
        },
      );
    }
    const valid = await connectAsync(platform.mqttUrl, {
      username: 'x',
      password: await platform.issueToken(TENANT_A, ['device'], 'a-meter'),
      reconnectPeriod: 0,
    });
    await valid.endAsync();

    expect(refused).toEqual(tokens.map(([name]) => name));
  });

  it('answers 431 to a 64 KiB authorization header', async () => {
    const token = `${'A'.repeat(21_000)}.${'B'.repeat(21_000)}.${'C'.repeat(21_000)}`;

    const response = await call(platform, 'GET', '/api/v1/tenants', { token });

    // Node's HTTP parser limits all headers to 16 KiB and answers before any route runs.
    expect(response.status).toBe(431);
  });
});
