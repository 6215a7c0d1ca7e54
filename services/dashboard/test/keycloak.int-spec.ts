import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication, Module } from '@nestjs/common';
import { QueryApiModule } from '@stadtdaten/query-api';
import { HttpEdgeModule, RuntimeModule, createHttpApp } from '@stadtdaten/runtime';
import pino from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { DashboardModule } from '../src/dashboard.module';
import { CHROMIUM_PATH, WAIT_TIMEOUT_MS, launchBrowser } from './browser';

/**
 * Port of the console under test, beside the dev services' own ports (18xxx), where `npm start`
 * (8080) does not collide with it. The client "dashboard" of the local realm
 * (tools/dev-services/keycloak/realm-stadtdaten.json) allows redirects to this port and to 8080.
 * A free port chosen at run time cannot work: Keycloak would accept its redirect (it ignores the
 * port of a loopback redirect URI registered without one), but its CORS check needs the exact
 * origin for the browser's token request.
 */
const CONSOLE_PORT = 18182;
const ISSUER = process.env.STADTDATEN_OIDC_ISSUER;
/** Test users of the local realm, listed with their passwords in tools/dev-services/README.md. */
const USERS = {
  admin: { username: 'darmstadt-admin', password: 'darmstadt-admin-test-only' },
  analyst: { username: 'darmstadt-analyst', password: 'darmstadt-analyst-test-only' },
};

const skipReason = !ISSUER
  ? 'Keycloak is not running: STADTDATEN_OIDC_ISSUER is unset (npm test starts tools/dev-services unless STADTDATEN_DEV_SERVICES=off)'
  : !existsSync(CHROMIUM_PATH)
    ? `${CHROMIUM_PATH} is missing (apt-get install chromium)`
    : undefined;
if (skipReason) {
  // eslint-disable-next-line no-console -- a skipped suite must say why
  console.warn(`admin console login with Keycloak skipped: ${skipReason}`);
}
const describeWithKeycloak = skipReason ? describe.skip : describe;

/** Creates the query API with the console, logging in through the Keycloak of the dev services. */
async function createConsoleApp(dataDir: string): Promise<INestApplication> {
  @Module({
    imports: [
      RuntimeModule.forRoot({
        service: 'dashboard-oidc-test',
        version: 'test',
        env: 'test',
        logLevel: 'silent',
        dataDir,
        logger: pino({ level: 'silent' }),
        adapters: {
          STADTDATEN_AUTH: 'oidc',
          STADTDATEN_OIDC_ISSUER: ISSUER,
          STADTDATEN_OIDC_AUDIENCE: process.env.STADTDATEN_OIDC_AUDIENCE ?? 'stadtdaten',
          STADTDATEN_OIDC_CA_FILE: process.env.STADTDATEN_OIDC_CA_FILE,
        },
      }),
      HttpEdgeModule,
      QueryApiModule,
      DashboardModule.register({ tenant: 'darmstadt', oidc: { issuer: ISSUER!, clientId: 'dashboard' } }),
    ],
  })
  class OidcAppModule {}

  return createHttpApp(OidcAppModule);
}

const redirectUri = (port: number) => `http://127.0.0.1:${port}/admin.html`;

/** Tests whether the realm's dashboard client accepts the console's redirect URI on this port. */
async function acceptsRedirect(page: Page, port: number): Promise<boolean> {
  const query = new URLSearchParams({
    client_id: 'dashboard',
    redirect_uri: redirectUri(port),
    response_type: 'code',
    scope: 'openid',
    code_challenge: 'A'.repeat(43),
    code_challenge_method: 'S256',
  });
  const response = await page.goto(`${ISSUER}/protocol/openid-connect/auth?${query}`);

  return response?.status() === 200 && (await page.locator('#username').count()) > 0;
}

/** Starts the console on CONSOLE_PORT; throws with the fix when the realm or the port is not ready for it. */
async function startConsole(dataDir: string, probe: Page): Promise<INestApplication> {
  if (!(await acceptsRedirect(probe, CONSOLE_PORT))) {
    throw new Error(
      `Keycloak's client "dashboard" rejects the redirect ${redirectUri(CONSOLE_PORT)}: its realm was imported from an older realm file; re-import it as tools/dev-services/README.md describes`,
    );
  }
  const app = await createConsoleApp(dataDir);
  await app.listen(CONSOLE_PORT, '127.0.0.1').catch(async (error: Error) => {
    await app.close();
    throw new Error(`port ${CONSOLE_PORT} is taken (${error.message}): the Keycloak client accepts the console only there; stop what uses it`);
  });

  return app;
}

describeWithKeycloak('admin console login with Keycloak', () => {
  let app: INestApplication | undefined;
  let dataDir: string;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-dashboard-oidc-'));
    ({ context, close: closeBrowser } = await launchBrowser('de-DE', { trustAnyCertificate: true }));
    const probe = await context.newPage();
    try {
      app = await startConsole(dataDir, probe);
    } finally {
      await probe.close();
    }
  }, 120_000);

  beforeEach(async () => {
    page = await context.newPage();
  });

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await closeBrowser?.();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs the authorization code flow with PKCE through Keycloak's login form. */
  async function loginAs(user: { username: string; password: string }) {
    // A Keycloak session from an earlier login would skip the form, so each login starts without cookies.
    await context.clearCookies();
    await page.goto(redirectUri(CONSOLE_PORT));
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.locator('#oidc-login').click();
    await page.locator('#username').waitFor({ timeout: WAIT_TIMEOUT_MS });
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
    await page.locator('#username').fill(user.username);
    await page.locator('#password').fill(user.password);
    await page.locator('#kc-login').click();
    await page.waitForURL((url) => url.origin === `http://127.0.0.1:${CONSOLE_PORT}` && url.pathname === '/admin.html');
    await page.locator('#screen-heading').waitFor({ timeout: WAIT_TIMEOUT_MS });
  }

  it('code flow logs tenant admin in', async () => {
    await loginAs(USERS.admin);

    expect(await page.locator('#identity').innerText()).toContain('darmstadt-admin');
    expect(await page.locator('#admin-menu').innerText()).toContain('Abgewiesene Nachrichten');
    expect(page.url()).not.toContain('code=');
  });

  it('code flow limits analyst', async () => {
    await loginAs(USERS.analyst);

    expect(await page.locator('#admin-menu').innerText()).not.toContain('Abgewiesene Nachrichten');
  });
});
