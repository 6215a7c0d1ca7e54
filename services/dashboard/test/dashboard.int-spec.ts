import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { type RunningPlatform, startPlatform } from '../../platform/src/platform';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TENANT = 'darmstadt';
const WAIT_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 250;

interface ThingJson {
  id: string;
  name: string;
  location?: { type: string } | null;
}

interface LatestJson {
  datastreamId: string;
  result: unknown;
}

interface DatastreamJson {
  id: string;
  name: string;
}

/** Polls until `read` returns a value other than undefined; fails after WAIT_TIMEOUT_MS. */
async function waitFor<T>(description: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (let attempt = 0; Date.now() < deadline && attempt < WAIT_TIMEOUT_MS / POLL_INTERVAL_MS; attempt++) {
    const value = await read();
    if (value !== undefined) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`timed out after ${WAIT_TIMEOUT_MS} ms waiting for ${description}`);
}

async function getJson<T>(url: string, token?: string): Promise<T> {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    throw new Error(`GET ${url} failed with ${response.status}: ${await response.text()}`);
  }

  return (await response.json()) as T;
}

const describeWithChromium = existsSync(CHROMIUM_PATH) ? describe : describe.skip;
if (!existsSync(CHROMIUM_PATH)) {
  // eslint-disable-next-line no-console -- a skipped suite must say why
  console.warn(`dashboard browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
}

describeWithChromium('dashboard in Chromium', () => {
  let platform: RunningPlatform;
  let browser: BrowserContext;
  let page: Page;
  let dataDir: string;
  let userDataDir: string;
  let apiUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-dashboard-'));
    userDataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-chromium-'));
    platform = await startPlatform({
      dataDir,
      httpHost: '127.0.0.1',
      httpPort: 0,
      mqttHost: '127.0.0.1',
      mqttPort: 0,
      demo: true,
      logLevel: 'warn',
    });
    apiUrl = `${platform.httpUrl}/api/v1/tenants/${TENANT}`;
    await waitFor('latest demo values', async () => {
      const latest = await getJson<LatestJson[]>(`${apiUrl}/latest`);
      return latest.length > 0 ? latest : undefined;
    });
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: 'de-DE',
    });
  }, 120_000);

  beforeEach(async () => {
    page = await browser.newPage();
  });

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('map shows demo things', async () => {
    const things = await getJson<ThingJson[]>(`${apiUrl}/things`);
    const located = things.filter((thing) => thing.location);

    await page.goto(`${platform.httpUrl}/`);
    await page.locator('#things-table tbody tr[data-thing-id]').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(things.length).toBeGreaterThan(0);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('#things-table tbody tr[data-thing-id]').count()).toBe(things.length);
    expect(await page.locator('.leaflet-marker-pane .thing-marker').count()).toBe(located.length);
    const tableText = await page.locator('#things-table').innerText();
    for (const thing of things) {
      expect(tableText).toContain(thing.name);
    }
    // Units must render as symbols or labels, never as raw UCUM annotations or objects.
    expect(tableText).not.toMatch(/\[object Object\]|\{\w+\}/);
  });

  it('marker popup lists latest values', async () => {
    await page.goto(`${platform.httpUrl}/`);
    const marker = page.locator('.leaflet-marker-pane .thing-marker-wrapper').first();
    await marker.waitFor({ timeout: WAIT_TIMEOUT_MS });

    await marker.focus();
    await page.keyboard.press('Enter');
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await marker.getAttribute('aria-label')).toBeTruthy();
    expect(await popup.locator('a[href*="datastream.html"]').count()).toBeGreaterThan(0);
    expect(await popup.innerText()).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} MES?Z/);
  });

  it('language switch stores English', async () => {
    await page.goto(`${platform.httpUrl}/`);
    await page.locator('#language-switch').click();
    await page.reload();
    await page.locator('#things-table tbody tr[data-thing-id]').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Measuring points in Darmstadt');

    await page.locator('#language-switch').click();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
  });

  it('datastream page draws chart and table', async () => {
    const latest = await getJson<LatestJson[]>(`${apiUrl}/latest`);
    const numeric = latest.find((entry) => typeof entry.result === 'number');
    expect(numeric).toBeDefined();
    const datastream = await getJson<DatastreamJson>(`${apiUrl}/datastreams/${numeric!.datastreamId}`);

    await page.goto(`${platform.httpUrl}/datastream.html?tenant=${TENANT}&id=${encodeURIComponent(datastream.id)}`);
    await page.locator('#chart canvas').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    await page.locator('#data-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('h1').innerText()).toBe(datastream.name);
    expect(await page.locator('#datastream-meta').innerText()).not.toContain('[object Object]');
    expect(await page.locator('#data-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart').getAttribute('aria-label')).toContain(datastream.name);
    const csvHref = await page.locator('#csv-de-link').getAttribute('href');
    expect(csvHref).toContain('format=csv-de');
    const csv = await fetch(new URL(csvHref!, platform.httpUrl));
    expect(csv.status).toBe(200);
  });

  it('hourly mean shows one row per hour', async () => {
    const latest = await getJson<LatestJson[]>(`${apiUrl}/latest`);
    const numeric = latest.find((entry) => typeof entry.result === 'number');
    const url = `${platform.httpUrl}/datastream.html?tenant=${TENANT}&id=${encodeURIComponent(numeric!.datastreamId)}`;

    await page.goto(url);
    await page.locator('#data-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    await page.locator('#aggregation').selectOption('1h');
    await page.locator('#count-column:not([hidden])').waitFor({ timeout: WAIT_TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('Werte geladen'));

    const rows = await page.locator('#data-table tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    // 24 hours touch at most 25 hourly buckets.
    expect(rows).toBeLessThanOrEqual(25);
    expect(page.url()).toContain('aggregation=1h');
  });

  it('rejections page needs token', async () => {
    await page.goto(`${platform.httpUrl}/rejections.html`);
    await page.locator('#filter-form button[type="submit"]').click();

    expect(await page.locator('#status').innerText()).toContain('Zugangstoken');
    expect(await page.locator('#rejections-table tbody tr').count()).toBe(0);
  });

  it('rejections page lists unknown device', async () => {
    const deviceToken = await platform.issueToken(TENANT, ['device']);
    const ingest = await fetch(`${platform.httpUrl}/api/v1/ingest?device=dashboard-unknown-device`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${deviceToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ temperature: 21.5 }),
    });
    expect(ingest.status).toBe(202);
    const adminToken = await platform.issueToken(TENANT, ['tenant-admin']);
    await waitFor('the rejection of the unknown device', async () => {
      const result = await getJson<{ total: number }>(`${apiUrl}/rejections?device=dashboard-unknown-device`, adminToken);
      return result.total > 0 ? result : undefined;
    });

    await page.goto(`${platform.httpUrl}/rejections.html`);
    await page.locator('#token').fill(adminToken);
    await page.locator('#token-form button[type="submit"]').click();
    const row = page.locator('#rejections-table tbody tr', { hasText: 'dashboard-unknown-device' }).first();
    await row.waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await row.innerText()).toContain('UNKNOWN_DEVICE');
    expect(await page.locator('#token').inputValue()).toBe('');
    expect(await page.evaluate(() => sessionStorage.getItem('stadtdaten.token'))).toBe(adminToken);
  });
});
