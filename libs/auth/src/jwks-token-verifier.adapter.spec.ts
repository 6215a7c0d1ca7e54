import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey } from 'node:crypto';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import {
  type JWK,
  type JWTPayload,
  type KeyLike,
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
} from 'jose';
import pino from 'pino';
import { CLOCK_TOLERANCE_SECONDS, TOKEN_AUDIENCE } from './claims';
import { JwksTokenVerifier, type JwksTokenVerifierOptions } from './jwks-token-verifier.adapter';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function makeSigningKey(kid: string, alg: SigningKey['alg'] = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };

  return { kid, alg, privateKey, publicJwk };
}

/** An OIDC provider stand-in on 127.0.0.1: a discovery document and a JWKS whose keys a test can replace. */
class LocalJwksServer {
  keys: JWK[] = [];
  jwksRequests = 0;
  discoveryRequests = 0;
  jwksStatus = 200;
  discoveryIssuer?: string;
  private server?: Server;

  get issuer(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/realms/test`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.url === '/realms/test/.well-known/openid-configuration') {
        this.discoveryRequests += 1;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ issuer: this.discoveryIssuer ?? this.issuer, jwks_uri: this.jwksUrl }));

        return;
      }
      if (request.url === '/realms/test/protocol/openid-connect/certs') {
        this.jwksRequests += 1;
        response.statusCode = this.jwksStatus;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: this.keys }));

        return;
      }
      response.statusCode = 404;
      response.end();
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

interface TokenOverrides {
  claims?: JWTPayload & Record<string, unknown>;
  omit?: string[];
  kid?: string;
  issuer?: string;
  audience?: string | string[];
  expiresAt?: number;
}

async function makeToken(key: SigningKey, issuer: string, overrides: TokenOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: overrides.issuer ?? issuer,
    aud: overrides.audience ?? TOKEN_AUDIENCE,
    sub: 'user-1',
    exp: overrides.expiresAt ?? now + 300,
    iat: now,
    typ: 'Bearer',
    tenant: 'darmstadt',
    preferred_username: 'darmstadt-analyst',
    realm_access: { roles: ['analyst', 'offline_access'] },
    ...overrides.claims,
  };
  for (const name of overrides.omit ?? []) {
    delete claims[name];
  }

  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: overrides.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

async function expectRejection(promise: Promise<unknown>, code: string, reason: RegExp): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(reason);

  return error as AppError;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe(JwksTokenVerifier.name, () => {
  const logger = pino({ level: 'silent' });
  let server: LocalJwksServer;
  let first: SigningKey;
  let second: SigningKey;
  let elliptic: SigningKey;

  function makeSut(overrides: Partial<JwksTokenVerifierOptions> = {}): JwksTokenVerifier {
    return new JwksTokenVerifier({
      issuer: server.issuer,
      audience: TOKEN_AUDIENCE,
      jwksUrl: server.jwksUrl,
      logger,
      cooldownMs: 0,
      ...overrides,
    });
  }

  beforeAll(async () => {
    [first, second, elliptic] = await Promise.all([
      makeSigningKey('key-1'),
      makeSigningKey('key-2'),
      makeSigningKey('key-ec', 'ES256'),
    ]);
  });

  beforeEach(async () => {
    server = new LocalJwksServer();
    server.keys = [first.publicJwk, elliptic.publicJwk];
    await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  describe('verify', () => {
    it('returns the principal of a valid token', async () => {
      const sut = makeSut();

      await expect(sut.verify(await makeToken(first, server.issuer))).resolves.toEqual({
        subject: 'darmstadt-analyst',
        tenant: 'darmstadt',
        roles: ['analyst'],
      });
    });

    it('accepts an ES256 token', async () => {
      const sut = makeSut();

      await expect(sut.verify(await makeToken(elliptic, server.issuer))).resolves.toMatchObject({
        tenant: 'darmstadt',
      });
    });

    it('accepts expiry within the clock tolerance', async () => {
      const sut = makeSut();
      const expiresAt = Math.floor(Date.now() / 1000) - Math.floor(CLOCK_TOLERANCE_SECONDS / 2);

      await expect(sut.verify(await makeToken(first, server.issuer, { expiresAt }))).resolves.toMatchObject({
        tenant: 'darmstadt',
      });
    });

    it('finds the key set through discovery', async () => {
      const sut = makeSut({ jwksUrl: undefined });

      await expect(sut.verify(await makeToken(first, server.issuer))).resolves.toMatchObject({
        tenant: 'darmstadt',
      });
      await expect(sut.verify(await makeToken(first, server.issuer))).resolves.toMatchObject({
        tenant: 'darmstadt',
      });
      expect(server.discoveryRequests).toBe(1);
      expect(server.jwksRequests).toBe(1);
    });

    it('rejects a discovery document of another issuer', async () => {
      server.discoveryIssuer = 'https://idp.invalid/realms/test';
      const sut = makeSut({ jwksUrl: undefined });

      await expectRejection(
        sut.verify(await makeToken(first, server.issuer)),
        ErrorCode.INVALID_CONFIG,
        /names issuer "https:\/\/idp\.invalid\/realms\/test"/,
      );
    });

    it('maps an unreachable key set to UNAVAILABLE', async () => {
      const token = await makeToken(first, server.issuer);
      const sut = makeSut();
      await server.stop();

      const error = await expectRejection(sut.verify(token), ErrorCode.UNAVAILABLE, /could not be loaded/);
      expect(error.retriable).toBe(true);
    });

    it('maps a failing key set endpoint to UNAVAILABLE', async () => {
      server.jwksStatus = 500;
      const sut = makeSut();

      await expectRejection(
        sut.verify(await makeToken(first, server.issuer)),
        ErrorCode.UNAVAILABLE,
        /could not be loaded/,
      );
    });
  });

  describe('key rotation', () => {
    it('accepts a new key id without restart', async () => {
      const sut = makeSut();
      const oldToken = await makeToken(first, server.issuer);
      await expect(sut.verify(oldToken)).resolves.toMatchObject({ tenant: 'darmstadt' });

      server.keys = [second.publicJwk];

      await expect(sut.verify(await makeToken(second, server.issuer))).resolves.toMatchObject({
        tenant: 'darmstadt',
      });
      await expectRejection(
        sut.verify(oldToken),
        ErrorCode.UNAUTHENTICATED,
        /key id "key-1" is not in the issuer's key set/,
      );
    });

    it('fetches at most once per cooldown', async () => {
      const sut = makeSut({ cooldownMs: 60_000 });
      await sut.verify(await makeToken(first, server.issuer));
      server.keys = [second.publicJwk];

      for (const kid of ['key-2', 'unknown-a', 'unknown-b']) {
        await expectRejection(
          sut.verify(await makeToken(second, server.issuer, { kid })),
          ErrorCode.UNAUTHENTICATED,
          /is not in the issuer's key set/,
        );
      }
      expect(server.jwksRequests).toBe(1);
    });

    it('fetches again once the cooldown passed', async () => {
      const sut = makeSut({ cooldownMs: 300 });
      await sut.verify(await makeToken(first, server.issuer));
      server.keys = [second.publicJwk];
      const newToken = await makeToken(second, server.issuer);
      let attempts = 0;

      await waitFor(async () => {
        attempts += 1;

        return sut.verify(newToken).then(
          () => true,
          () => false,
        );
      }, 5_000);

      expect(attempts).toBeGreaterThan(1);
      expect(server.jwksRequests).toBe(2);
    });
  });

  describe('hostile tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);

    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      [
        'alg none',
        async () => {
          const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
          const body = Buffer.from(
            JSON.stringify({
              iss: server.issuer,
              aud: TOKEN_AUDIENCE,
              sub: 'x',
              exp: now() + 300,
              tenant: 'darmstadt',
            }),
          ).toString('base64url');

          return `${header}.${body}.`;
        },
        /algorithm "none" is not accepted/,
      ],
      [
        'HS256 keyed with the public key',
        async () => {
          const publicPem = await exportSPKI(
            createPublicKey({ key: first.publicJwk as never, format: 'jwk' }),
          );

          return new SignJWT({ tenant: 'darmstadt', realm_access: { roles: ['platform-admin'] } })
            .setProtectedHeader({ alg: 'HS256', kid: first.kid })
            .setIssuer(server.issuer)
            .setAudience(TOKEN_AUDIENCE)
            .setSubject('mallory')
            .setExpirationTime('5m')
            .sign(Buffer.from(publicPem));
        },
        /algorithm "HS256" is not accepted/,
      ],
      [
        'unknown kid',
        () => makeToken(first, server.issuer, { kid: 'unknown' }),
        /key id "unknown" is not in the issuer's key set/,
      ],
      [
        'signature of another key',
        async () => makeToken(await makeSigningKey(first.kid), server.issuer),
        /signature is invalid/,
      ],
      [
        'wrong issuer',
        () => makeToken(first, server.issuer, { issuer: 'https://idp.invalid/realms/test' }),
        /issuer "https:\/\/idp\.invalid\/realms\/test" is not the expected issuer/,
      ],
      [
        'wrong audience',
        () => makeToken(first, server.issuer, { audience: 'account' }),
        /audience "account" does not include "stadtdaten"/,
      ],
      [
        'expired beyond the tolerance',
        () => makeToken(first, server.issuer, { expiresAt: now() - CLOCK_TOLERANCE_SECONDS - 60 }),
        /token expired at/,
      ],
      [
        'nbf in the future',
        () => makeToken(first, server.issuer, { claims: { nbf: now() + CLOCK_TOLERANCE_SECONDS + 120 } }),
        /not valid before/,
      ],
      [
        'missing tenant claim',
        () => makeToken(first, server.issuer, { omit: ['tenant'] }),
        /no valid tenant claim/,
      ],
      ['missing exp claim', () => makeToken(first, server.issuer, { omit: ['exp'] }), /no "exp" claim/],
      [
        'ID token',
        () => makeToken(first, server.issuer, { claims: { typ: 'ID' } }),
        /type "ID" is not an access token/,
      ],
      ['garbage', async () => 'not-a-jwt', /signature or format is invalid/],
    ];

    it.each(cases)('rejects %s', async (_name, makeHostileToken, reason) => {
      const sut = makeSut();

      await expectRejection(sut.verify(await makeHostileToken()), ErrorCode.UNAUTHENTICATED, reason);
    });
  });
});
