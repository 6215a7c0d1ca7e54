import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '@stadtdaten/contracts';
import { BUILTIN_ISSUER, BuiltinIssuer } from './builtin-issuer';
import { LocalTokenVerifier } from './local-token-verifier.adapter';
import { bearerToken, verifyForRequest } from './request-principal';
import type { TokenVerifier } from './token-verifier.port';

/** A real verifier that counts its calls. */
class CountingVerifier implements TokenVerifier {
  calls = 0;

  constructor(private readonly inner: TokenVerifier) {}

  async verify(token: string): Promise<Principal> {
    this.calls += 1;

    return this.inner.verify(token);
  }
}

describe(verifyForRequest.name, () => {
  let issuer: BuiltinIssuer;
  let verifier: CountingVerifier;

  beforeAll(async () => {
    issuer = await BuiltinIssuer.open(mkdtempSync(join(tmpdir(), 'stadtdaten-request-principal-')));
  });

  beforeEach(() => {
    verifier = new CountingVerifier(new LocalTokenVerifier([issuer.publicJwk], BUILTIN_ISSUER));
  });

  it('verifies the token of one request once', async () => {
    const token = await issuer.issue({ tenant: 'darmstadt', subject: 'analyst', roles: ['analyst'] });
    const request = {};

    const first = await verifyForRequest(request, token, verifier);
    const second = await verifyForRequest(request, token, verifier);

    expect(second).toEqual(first);
    expect(first.tenant).toBe('darmstadt');
    expect(verifier.calls).toBe(1);
  });

  it('verifies again for another request or another token', async () => {
    const token = await issuer.issue({ tenant: 'darmstadt', subject: 'analyst', roles: ['analyst'] });
    const other = await issuer.issue({ tenant: 'heag', subject: 'operator', roles: ['tenant-admin'] });
    const request = {};

    await verifyForRequest(request, token, verifier);
    await verifyForRequest({}, token, verifier);
    const principal = await verifyForRequest(request, other, verifier);

    expect(principal.tenant).toBe('heag');
    expect(verifier.calls).toBe(3);
  });

  it('does not remember a token that fails', async () => {
    const request = {};

    await expect(verifyForRequest(request, 'not-a-token', verifier)).rejects.toThrow();
    await expect(verifyForRequest(request, 'not-a-token', verifier)).rejects.toThrow();
    expect(verifier.calls).toBe(2);
  });

  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    [['Bearer first', 'Bearer second'], 'first'],
    ['Basic dXNlcjpwdw==', undefined],
    ['Bearer', undefined],
    [undefined, undefined],
  ])('reads the bearer token of %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
