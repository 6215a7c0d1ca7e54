import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES } from '@stadtdaten/contracts';
import pino from 'pino';
import { Agent, fetch } from 'undici';
import { JwksTokenVerifier, PLATFORM_TENANT, TOKEN_AUDIENCE } from '@stadtdaten/auth';

const issuer = process.env.STADTDATEN_OIDC_ISSUER;
const audience = process.env.STADTDATEN_OIDC_AUDIENCE ?? TOKEN_AUDIENCE;
/** CA of the dev services' Keycloak certificate; unset where Keycloak serves plain HTTP. */
const caFile = process.env.STADTDATEN_OIDC_CA_FILE;
const ca = caFile ? readFileSync(caFile) : undefined;
const dispatcher = new Agent(ca === undefined ? {} : { connect: { ca } });
const REALM_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  'tools',
  'dev-services',
  'keycloak',
  'realm-stadtdaten.json',
);

interface RealmUser {
  username: string;
  credentials?: Array<{ type: string; value: string }>;
  realmRoles?: string[];
  attributes?: Record<string, string[]>;
}

interface RealmClient {
  clientId: string;
  publicClient?: boolean;
  directAccessGrantsEnabled?: boolean;
}

interface RealmExport {
  clients: RealmClient[];
  users: RealmUser[];
}

interface TestUser {
  username: string;
  password: string;
  tenant: string;
  roles: string[];
}

/**
 * Reads the public password-grant client and the users with a password from the test realm. A user
 * without a tenant attribute is expected in the platform tenant when it has the platform-admin role.
 */
function readTestRealm(): { clientId: string; users: TestUser[] } {
  const realm = JSON.parse(readFileSync(REALM_FILE, 'utf8')) as RealmExport;
  const client = realm.clients.find(
    (candidate) => candidate.publicClient && candidate.directAccessGrantsEnabled,
  );
  if (client === undefined) {
    throw new Error(`${REALM_FILE} has no public client with direct access grants for the password grant`);
  }
  const users = realm.users.flatMap((user): TestUser[] => {
    const password = user.credentials?.find((credential) => credential.type === 'password')?.value;
    const roles = (user.realmRoles ?? []).filter((role) => (ROLES as readonly string[]).includes(role));
    const tenant =
      user.attributes?.tenant?.[0] ?? (roles.includes('platform-admin') ? PLATFORM_TENANT : undefined);
    if (password === undefined || tenant === undefined) {
      return [];
    }

    return [{ username: user.username, password, tenant, roles }];
  });

  return { clientId: client.clientId, users };
}

interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
}

/** Requests tokens with the OAuth 2.0 password grant; `scope=openid` adds an ID token. */
async function passwordGrant(clientId: string, user: TestUser): Promise<TokenResponse> {
  const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      username: user.username,
      password: user.password,
      scope: 'openid',
    }),
    signal: AbortSignal.timeout(10_000),
    dispatcher,
  });
  const body = (await response.json()) as Partial<TokenResponse> & { error_description?: string };
  if (!response.ok || body.access_token === undefined) {
    throw new Error(
      `password grant for ${user.username} failed with ${response.status}: ${body.error_description}`,
    );
  }

  return body as TokenResponse;
}

function skipReason(): string | undefined {
  if (!issuer) {
    return 'STADTDATEN_OIDC_ISSUER is unset; npm test sets it after starting the dev services';
  }
  if (!existsSync(REALM_FILE)) {
    return `${REALM_FILE} is missing, so the test users are unknown`;
  }

  return undefined;
}

const reason = skipReason();
const describeWithKeycloak =
  reason === undefined
    ? describe
    : (name: string, body: () => void) => describe.skip(`${name}: ${reason}`, body);

describeWithKeycloak(`${JwksTokenVerifier.name} against Keycloak`, () => {
  const realm = reason === undefined ? readTestRealm() : { clientId: '', users: [] };
  let sut: JwksTokenVerifier;

  beforeAll(() => {
    sut = new JwksTokenVerifier({
      issuer: issuer as string,
      audience,
      ca,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await dispatcher.close();
  });

  it('has test users', () => {
    expect(realm.users.length).toBeGreaterThan(0);
  });

  for (const user of realm.users) {
    it(`verifies the token of ${user.username}`, async () => {
      const tokens = await passwordGrant(realm.clientId, user);
      const principal = await sut.verify(tokens.access_token);

      expect(principal.tenant).toBe(user.tenant);
      expect([...principal.roles].sort()).toEqual([...user.roles].sort());
      expect(principal.subject).toBe(user.username);
    });
  }

  it('rejects a token with one changed byte', async () => {
    const { access_token: token } = await passwordGrant(realm.clientId, realm.users[0]);
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

    await expect(sut.verify(`${header}.${payload}.${flipped}`)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('rejects the ID token', async () => {
    const { id_token: idToken } = await passwordGrant(realm.clientId, realm.users[0]);
    expect(idToken).toBeDefined();

    await expect(sut.verify(idToken as string)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  (ca === undefined ? it.skip : it)('fails without the CA of the provider certificate', async () => {
    const { access_token: token } = await passwordGrant(realm.clientId, realm.users[0]);
    const withoutCa = new JwksTokenVerifier({
      issuer: issuer as string,
      audience,
      logger: pino({ level: 'silent' }),
    });

    await expect(withoutCa.verify(token)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('certificate'),
    });
  });

  it('rejects the refresh token', async () => {
    const { refresh_token: refreshToken } = await passwordGrant(realm.clientId, realm.users[0]);
    expect(refreshToken).toBeDefined();

    await expect(sut.verify(refreshToken as string)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/algorithm "HS\d+" is not accepted/),
    });
  });
});
