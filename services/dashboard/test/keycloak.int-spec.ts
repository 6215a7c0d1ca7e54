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
 * The dashboard client of the local Keycloak realm (tools/dev-services/keycloak) allows the
 * redirect http://127.0.0.1:8080/*, so the console must run on that port.
 */
const CONSOLE_PORT = 8080;
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

describeWithKeycloak('admin console login with Keycloak', () => {
  let app: INestApplication;
  let dataDir: string;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-dashboard-oidc-'));
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
    app = await createHttpApp(OidcAppModule);
    await app.listen(CONSOLE_PORT, '127.0.0.1').catch((error: Error) => {
      throw new Error(`port ${CONSOLE_PORT} is taken, but the Keycloak client only accepts redirects to it: stop what uses it (${error.message})`);
    });
    ({ context, close: closeBrowser } = await launchBrowser('de-DE', { trustAnyCertificate: true }));
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
    await page.goto(`http://127.0.0.1:${CONSOLE_PORT}/admin.html`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.locator('#oidc-login').click();
    await page.locator('#username').waitFor({ timeout: WAIT_TIMEOUT_MS });
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
    await page.locator('#username').fill(user.username);
    await page.locator('#password').fill(user.password);
    await page.locator('#kc-login').click();
    await page.waitForURL(/127\.0\.0\.1:8080\/admin\.html/);
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
