import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { BUILTIN_ISSUER, BuiltinIssuer } from './builtin-issuer';
import { TOKEN_AUDIENCE } from './claims';
import { LocalTokenVerifier } from './local-token-verifier.adapter';

describe(BuiltinIssuer.name, () => {
  let dataDir: string;
  let sut: BuiltinIssuer;
  let verifier: LocalTokenVerifier;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-auth-'));
    sut = await BuiltinIssuer.open(dataDir);
    verifier = new LocalTokenVerifier([sut.publicJwk], BUILTIN_ISSUER);
  });

  it('stores its key with mode 0600', () => {
    expect(statSync(join(dataDir, 'keys', 'issuer.jwk.json')).mode & 0o777).toBe(0o600);
  });

  it('issues tokens the verifier accepts', async () => {
    const token = await sut.issue({ tenant: 'darmstadt', roles: ['analyst'], subject: 'alice' });

    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'alice',
      tenant: 'darmstadt',
      roles: ['analyst'],
    });
  });

  it('reuses the stored key after reopening', async () => {
    const reopened = await BuiltinIssuer.open(dataDir);
    const token = await reopened.issue({ tenant: 'darmstadt', roles: ['device'], subject: 'd1' });

    await expect(verifier.verify(token)).resolves.toMatchObject({ tenant: 'darmstadt' });
  });

  it('rejects an unknown role', async () => {
    await expect(sut.issue({ tenant: 'darmstadt', roles: ['root' as never], subject: 'x' })).rejects.toThrow(
      'unknown role "root"',
    );
  });

  it('rejects an expired token', async () => {
    const token = await sut.issue({ tenant: 'darmstadt', roles: [], subject: 'x', ttlSeconds: -120 });

    await expect(verifier.verify(token)).rejects.toThrow('token expired');
  });

  it('rejects a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ tenant: 'darmstadt' })
      .setProtectedHeader({ alg: 'RS256', kid: sut.publicJwk.kid })
      .setIssuer(BUILTIN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(privateKey);

    await expect(verifier.verify(token)).rejects.toThrow('signature or format is invalid');
  });

  it('rejects an unsigned token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ tenant: 'darmstadt', iss: BUILTIN_ISSUER, aud: TOKEN_AUDIENCE, sub: 'x', exp: 2e9 }),
    ).toString('base64url');

    await expect(verifier.verify(`${header}.${body}.`)).rejects.toThrow('signature or format is invalid');
  });
});
