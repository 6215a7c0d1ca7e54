import { createHash } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '@stadtdaten/contracts';
import type { RunningPlatform } from '../../platform/src/platform';
import { applyCatalog, getJson, startTestPlatform } from '../../platform/test/helpers';
import { axeViolations, describeInBrowserWithSamples, focusedElement, launchBrowser, loginToConsole, waitFor, WAIT_TIMEOUT_MS } from './browser';
import { type SampleThing, TENANT, sampleCatalog, sampleThings, sendReading } from './sample-feed';

const german = (value: number) => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 3 }).format(value);
/** Day of the register extract; the corrected reading is sent for it. */
const REGISTER_DAY = '2019-07-19';

describeInBrowserWithSamples('admin console in Chromium', (dir) => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let stations: SampleThing[];
  let deviceToken: string;

  const url = (path: string) => `${platform.httpUrl}${path}`;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    stations = sampleThings(dir).http.filter((thing) => thing.useCase === 'ev-charging');
    await applyCatalog(platform, JSON.stringify(sampleCatalog(stations)));
    deviceToken = await platform.issueToken(TENANT, ['device'], 'register-import');
    for (const station of stations) {
      await sendReading(platform, deviceToken, station.deviceId, station.readings);
    }
    ({ context, close: closeBrowser } = await launchBrowser());
  }, 120_000);

  beforeEach(async () => {
    page = await context.newPage();
  });

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await closeBrowser?.();
    await platform?.stop();
    cleanup?.();
  });

  const login = (roles: Role[], tenant = TENANT, hash = '') => loginToConsole(page, platform, roles, tenant, hash);

  async function openScreen(id: string) {
    await page.locator(`#admin-menu a[href="#/${id}"]`).click();
    await page.locator('#screen-heading').filter({ hasText: await page.locator(`#admin-menu a[href="#/${id}"]`).innerText() }).waitFor({ timeout: WAIT_TIMEOUT_MS });
  }

  const menu = () => page.locator('#admin-menu a').allInnerTexts();

  it('login rejects unreadable token', async () => {
    await page.goto(url('/admin.html'));
    await page.locator('#token').fill('not-a-token');
    await page.locator('#token-form button[type="submit"]').click();

    expect(await page.locator('#login-status').innerText()).toContain('kein lesbarer Token');
    expect(await page.locator('#console').isHidden()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('tenant admin sees own screens only', async () => {
    await login(['tenant-admin']);

    expect(await menu()).toEqual(['Mandanten', 'Messpunkte', 'Geräte', 'Datenströme', 'Abgewiesene Nachrichten', 'Datenqualität', 'Signaturschlüssel', 'Zustand der Dienste', 'Konnektoren']);
    expect(await page.locator('#tenant-form').count()).toBe(0);

    await openScreen('keys');
    expect(await page.locator('#rotate-key').count()).toBe(0);

    await page.goto(url('/admin.html#/audit'));
    await page.locator('#screen-heading').waitFor({ timeout: WAIT_TIMEOUT_MS });
    expect(await page.locator('#screen-heading').innerText()).toBe('Mandanten');
  });

  it('analyst sees no change actions', async () => {
    await login(['analyst']);

    expect(await menu()).not.toContain('Abgewiesene Nachrichten');
    expect(await menu()).toContain('Datenqualität');

    await openScreen('datastreams');
    await page.locator('#datastreams-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    expect(await page.locator('#datastreams-table button').count()).toBe(0);
    expect(await page.locator('#datastream-form').count()).toBe(0);

    await openScreen('things');
    expect(await page.locator('#thing-form').count()).toBe(0);
  });

  it('corrected rejection appears in chart', async () => {
    const station = stations[0];
    const power = station.readings[0].power as number;
    const time = `${REGISTER_DAY}T12:00:00.000Z`;
    // The register's own value with a slipped decimal point, which the range check rejects.
    await sendReading(platform, deviceToken, station.deviceId, { time, charge_points: station.readings[0].charge_points, power: power * 100 });
    const adminToken = await platform.issueToken(TENANT, ['tenant-admin'], 'rejection-test');
    const rejectionsOf = async (state: string): Promise<Array<{ id: string; payloadBase64: string; resubmittedBy: string | null }>> =>
      (await getJson(platform, `/api/v1/tenants/${TENANT}/rejections?device=${station.deviceId}&state=${state}`, adminToken)).body.items;
    const slipped = await waitFor('the rejection of the slipped value', async () =>
      (await rejectionsOf('open')).find((item) => Buffer.from(item.payloadBase64, 'base64').toString('utf8').includes(String(power * 100))),
    );

    await login(['tenant-admin'], TENANT, '#/rejections');
    const openRows = page.locator('#rejections-table tbody tr', { hasText: station.deviceId });
    const row = openRows.first();
    await row.waitFor({ timeout: WAIT_TIMEOUT_MS });
    const openBefore = await openRows.count();
    expect(await row.innerText()).toContain('OUT_OF_RANGE');
    expect(await row.innerText()).toContain('offen');
    await row.locator('button').click();
    const editor = page.locator('#resubmit-payload');
    const payload = JSON.parse(await editor.inputValue());
    payload.power = power;
    await editor.fill(JSON.stringify(payload, null, 2));
    await page.locator('#resubmit-form button[type="submit"]').click();
    await page.locator('#rejection-result[data-kind="success"]').filter({ hasText: 'erneut gesendet markiert' }).waitFor({ timeout: WAIT_TIMEOUT_MS });
    // The list reloads after the message was accepted; the re-submitted rejection leaves it.
    const openAfter = await waitFor('the open list without the re-submitted rejection', async () => {
      const count = await openRows.count();
      return count < openBefore ? count : undefined;
    });

    expect(openAfter).toBe(openBefore - 1);
    expect(await page.locator('#rejection-result').innerText()).toContain('erneut gesendet markiert');
    expect((await rejectionsOf('open')).map((item) => item.id)).not.toContain(slipped.id);
    expect((await rejectionsOf('resubmitted')).find((item) => item.id === slipped.id)?.resubmittedBy).toBe('tenant-admin-user');

    await page.locator('#rejection-state').selectOption('all');
    await page.locator('#rejection-filter button[type="submit"]').click();
    await page.locator('#rejections-table tbody tr', { hasText: 'erneut gesendet am' }).first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    const resubmittedRow = page.locator('#rejections-table tbody tr', { hasText: 'erneut gesendet am' }).first();
    expect(await resubmittedRow.innerText()).toContain('tenant-admin-user');
    expect(await resubmittedRow.locator('button').count()).toBe(0);

    const chartPath = `/datastream.html?id=${station.deviceId}.power&range=custom&from=${REGISTER_DAY}&to=${REGISTER_DAY}&aggregation=raw`;
    const values = await waitFor('the corrected value in the chart table', async () => {
      await page.goto(url(chartPath));
      await page.locator('#status:not(:empty)').waitFor({ timeout: WAIT_TIMEOUT_MS });
      await page.waitForFunction(() => !document.querySelector('#status')?.textContent?.includes('…'));
      const cells = await page.locator('.data-table tbody td.number').allInnerTexts();
      return cells.length > 0 ? cells : undefined;
    });

    expect(values).toEqual([german(power)]);
  });

  it('datastream retires and reactivates', async () => {
    const id = `${stations[1].deviceId}.charge_points`;
    const token = await platform.issueToken(TENANT, ['tenant-admin'], 'retire-test');
    await login(['tenant-admin'], TENANT, '#/datastreams');
    await page.locator('#datastream-filter').fill(id);
    await page.locator('#datastreams-table button[data-action="retire"]').click();
    await page.locator('#datastream-result[data-kind="success"]').waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect((await getJson(platform, `/api/v1/tenants/${TENANT}/datastreams/${id}`, token)).body.retired).toBe(true);

    await page.locator('#datastream-filter').fill(id);
    await page.locator('#datastreams-table button[data-action="reactivate"]').click();
    await page.locator('#datastream-result[data-kind="success"]').filter({ hasText: 'wieder aktiv' }).waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect((await getJson(platform, `/api/v1/tenants/${TENANT}/datastreams/${id}`, token)).body.retired).toBe(false);
  });

  it('thing form creates thing', async () => {
    await login(['tenant-admin'], TENANT, '#/things');
    await page.locator('#thing-id').fill('admin-created-thing');
    await page.locator('#thing-name').fill('Ladepark Luisenplatz');
    await page.locator('#thing-use-case').selectOption('ev-charging');
    await page.locator('#thing-latitude').fill('49.8727');
    await page.locator('#thing-longitude').fill('8.6512');
    await page.locator('#thing-form button[type="submit"]').click();
    await page.locator('#thing-result[data-kind="success"]').waitFor({ timeout: WAIT_TIMEOUT_MS });
    const token = await platform.issueToken(TENANT, ['analyst'], 'thing-check');
    const { status, body } = await getJson(platform, `/api/v1/tenants/${TENANT}/things/admin-created-thing`, token);

    expect(await page.locator('#things-table').innerText()).toContain('Ladepark Luisenplatz');
    expect(status).toBe(200);
    expect(body.location).toEqual({ type: 'Point', coordinates: [8.6512, 49.8727] });
  });

  it('platform admin rotates key and reads audit', async () => {
    await login(['platform-admin'], 'platform', '#/keys');
    const rows = page.locator('#keys-table tbody tr');
    await rows.first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    const before = await rows.count();
    await page.locator('#rotate-key').click();
    await page.locator('#rotate-confirm').click();
    await page.locator('#keys-result[data-kind="success"]').waitFor({ timeout: WAIT_TIMEOUT_MS });
    // The screen reloads the key list after it shows the result.
    await rows.nth(before).waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await rows.count()).toBe(before + 1);

    await openScreen('audit');
    await page.locator('#audit-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    expect(await page.locator('#audit-table').innerText()).toContain('KEY_ROTATED');

    await page.getByRole('button', { name: 'Kette prüfen' }).click();
    await page.locator('#audit-result').filter({ hasText: 'vollständig' }).waitFor({ timeout: WAIT_TIMEOUT_MS });
  });

  it('health screen shows readiness and lag', async () => {
    await login(['tenant-admin'], TENANT, '#/health');
    await page.locator('#lag-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('#readiness-table').innerText()).toContain('registry');
    expect(await page.locator('#lag-table').innerText()).toContain('validator');
  });

  it('admin screens pass axe', async () => {
    await login(['platform-admin'], 'platform');
    const screens = await page.locator('#admin-menu a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    const violations: string[] = [];
    for (const href of screens) {
      await page.locator(`#admin-menu a[href="${href}"]`).click();
      await page.locator('.action-result, #screen table').first().waitFor({ state: 'attached', timeout: WAIT_TIMEOUT_MS });
      await page.waitForFunction(() => !document.querySelector('.action-result')?.textContent?.includes('…'));
      violations.push(...(await axeViolations(page)).map((violation) => `${href} ${violation}`));
    }

    expect(screens).toHaveLength(10);
    expect(violations).toEqual([]);
  });

  it('pkce challenge is S256 of verifier', async () => {
    await page.goto(url('/admin.html'));
    // A string, because the test's own import() calls are compiled to require(), which the browser lacks.
    const { verifier, challenge } = await page.evaluate(`(async () => {
      const { base64UrlEncode, codeChallenge } = await import('/js/admin/session.js');
      const verifier = base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
      return { verifier, challenge: await codeChallenge(verifier) };
    })()`) as { verifier: string; challenge: string };

    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('keyboard moves through admin menu', async () => {
    await login(['tenant-admin']);
    const link = page.locator('#admin-menu a[href="#/datastreams"]');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('#screen-heading').filter({ hasText: 'Datenströme' }).waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await focusedElement(page)).toBe('#screen-heading');
    expect(await link.getAttribute('aria-current')).toBe('page');

    await page.keyboard.press('Tab');
    expect(await focusedElement(page)).toBe('#datastream-filter');
  });
});
