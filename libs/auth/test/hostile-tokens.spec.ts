import { createPublicKey } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { type JWK, type KeyLike, SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import pino from 'pino';
import {
  CLOCK_TOLERANCE_SECONDS,
  JwksTokenVerifier,
  LocalTokenVerifier,
  TOKEN_AUDIENCE,
  type TokenVerifier,
} from '@stadtdaten/auth';

const KEY_ID = 'key-1';

interface Signer {
  privateKey: KeyLike;
  publicJwk: JWK;
}

/** Serves `{ keys }` as a JWKS on 127.0.0.1, the way an OIDC provider publishes its keys. */
async function startJwksServer(keys: JWK[]): Promise<{ url: string; issuer: string; stop: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url !== '/realms/test/protocol/openid-connect/certs') {
      response.statusCode = 404;
      response.end();

      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`;

  return {
    issuer,
    url: `${issuer}/protocol/openid-connect/certs`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims of a valid analyst token of tenant darmstadt, as Keycloak lays them out. */
function validClaims(issuer: string): Record<string, unknown> {
  return {
    iss: issuer,
    aud: TOKEN_AUDIENCE,
    sub: 'user-1',
    exp: nowSeconds() + 300,
    iat: nowSeconds(),
    typ: 'Bearer',
    tenant: 'darmstadt',
    preferred_username: 'darmstadt-analyst',
    realm_access: { roles: ['analyst'] },
  };
}

function sign(signer: Signer, claims: Record<string, unknown>, kid = KEY_ID): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(signer.privateKey);
}

interface HostileCase {
  name: string;
  make: (signer: Signer, issuer: string) => Promise<string>;
  /** Reason of LocalTokenVerifier, which names fewer details. */
  local: RegExp;
  /** Reason of JwksTokenVerifier. */
  jwks: RegExp;
}

const CASES: HostileCase[] = [
  {
    name: 'alg none',
    make: async (_signer, issuer) => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims(issuer))}.`,
    local: /signature or format is invalid/,
    jwks: /algorithm "none" is not accepted/,
  },
  {
    name: 'HS256 keyed with the RSA public key (PEM)',
    make: async (signer, issuer) => {
      const pem = await exportSPKI(createPublicKey({ key: signer.publicJwk as never, format: 'jwk' }));

      return new SignJWT({ ...validClaims(issuer), realm_access: { roles: ['platform-admin'] } })
        .setProtectedHeader({ alg: 'HS256', kid: KEY_ID, typ: 'JWT' })
        .sign(Buffer.from(pem));
    },
    local: /signature or format is invalid/,
    jwks: /algorithm "HS256" is not accepted/,
  },
  {
    name: 'HS256 keyed with the RSA public key (JWK)',
    make: async (signer, issuer) =>
      new SignJWT(validClaims(issuer))
        .setProtectedHeader({ alg: 'HS256', kid: KEY_ID })
        .sign(Buffer.from(JSON.stringify(signer.publicJwk))),
    local: /signature or format is invalid/,
    jwks: /algorithm "HS256" is not accepted/,
  },
  {
    name: 'unknown kid',
    make: (signer, issuer) => sign(signer, validClaims(issuer), 'rotated-out'),
    local: /signature or format is invalid/,
    jwks: /key id "rotated-out" is not in the issuer's key set/,
  },
  {
    name: 'signature of another key with the same kid',
    make: async (_signer, issuer) => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');

      return sign({ privateKey, publicJwk: await exportJWK(publicKey) }, validClaims(issuer));
    },
    local: /signature or format is invalid/,
    jwks: /signature is invalid/,
  },
  {
    name: 'wrong issuer',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), iss: 'https://idp.invalid/realms/test' }),
    local: /claim "iss" is invalid/,
    jwks: /issuer "https:\/\/idp\.invalid\/realms\/test" is not the expected issuer/,
  },
  {
    name: 'wrong audience',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), aud: ['account', 'broker'] }),
    local: /claim "aud" is invalid/,
    jwks: /audience \["account","broker"\] does not include "stadtdaten"/,
  },
  {
    name: 'expired',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), exp: nowSeconds() - CLOCK_TOLERANCE_SECONDS - 60 }),
    local: /token expired/,
    jwks: /token expired at/,
  },
  {
    name: 'not yet valid',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), nbf: nowSeconds() + CLOCK_TOLERANCE_SECONDS + 120 }),
    local: /claim "nbf" is invalid/,
    jwks: /not valid before/,
  },
  {
    name: 'missing exp',
    make: (signer, issuer) => {
      const { exp: _exp, ...claims } = validClaims(issuer);

      return sign(signer, claims);
    },
    local: /claim "exp" is invalid/,
    jwks: /no "exp" claim/,
  },
  {
    name: 'payload tampered after signing',
    make: async (signer, issuer) => {
      const [header, , signature] = (await sign(signer, validClaims(issuer))).split('.');
      const elevated = { ...validClaims(issuer), tenant: 'heag', realm_access: { roles: ['platform-admin'] } };

      return `${header}.${base64url(elevated)}.${signature}`;
    },
    local: /signature or format is invalid/,
    jwks: /signature is invalid/,
  },
  {
    name: 'platform tenant without platform-admin',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), tenant: 'platform' }),
    local: /only platform-admin tokens may name/,
    jwks: /only platform-admin tokens may name/,
  },
  {
    name: 'no tenant and no platform-admin',
    make: (signer, issuer) => {
      const { tenant: _tenant, ...claims } = validClaims(issuer);

      return sign(signer, claims);
    },
    local: /no valid tenant claim/,
    jwks: /no valid tenant claim/,
  },
  {
    name: 'tenant claim with several tenants',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), tenant: ['darmstadt', 'heag'] }),
    local: /no valid tenant claim/,
    jwks: /no valid tenant claim/,
  },
  {
    name: 'tenant claim outside the tenant id syntax',
    make: (signer, issuer) => sign(signer, { ...validClaims(issuer), tenant: "heag' OR '1'='1" }),
    local: /no valid tenant claim/,
    jwks: /no valid tenant claim/,
  },
  {
    name: 'not a JWT',
    make: async () => 'not-a-jwt',
    local: /signature or format is invalid/,
    jwks: /signature or format is invalid/,
  },
  {
    name: 'three parts of garbage',
    make: async () => 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln',
    local: /signature or format is invalid/,
    jwks: /signature is invalid/,
  },
];

describe('hostile tokens', () => {
  let signer: Signer;
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let verifiers: Array<{ name: 'local' | 'jwks'; sut: TokenVerifier }>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    signer = { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' } };
    jwks = await startJwksServer([signer.publicJwk]);
    verifiers = [
      { name: 'local', sut: new LocalTokenVerifier([signer.publicJwk], jwks.issuer) },
      {
        name: 'jwks',
        sut: new JwksTokenVerifier({
          issuer: jwks.issuer,
          audience: TOKEN_AUDIENCE,
          jwksUrl: jwks.url,
          logger: pino({ level: 'silent' }),
          cooldownMs: 0,
        }),
      },
    ];
  });

  afterAll(async () => {
    await jwks.stop();
  });

  it.each(['local', 'jwks'])('%s verifier accepts the valid token', async (name) => {
    const { sut } = verifiers.find((verifier) => verifier.name === name)!;

    await expect(sut.verify(await sign(signer, validClaims(jwks.issuer)))).resolves.toEqual({
      subject: 'darmstadt-analyst',
      tenant: 'darmstadt',
      roles: ['analyst'],
    });
  });

  describe.each(['local', 'jwks'] as const)('%s verifier', (name) => {
    it.each(CASES.map((hostile) => [hostile.name, hostile] as const))('rejects %s', async (_title, hostile) => {
      const { sut } = verifiers.find((verifier) => verifier.name === name)!;
      const token = await hostile.make(signer, jwks.issuer);

      const error = await sut.verify(token).then(
        () => undefined,
        (failure: unknown) => failure,
      );

      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(ErrorCode.UNAUTHENTICATED);
      expect((error as AppError).message).toMatch(name === 'local' ? hostile.local : hostile.jwks);
    });
  });
});
