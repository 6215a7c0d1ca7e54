import { existsSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningPlatform } from '../../platform/src/platform';
import { getJson, startTestPlatform, waitFor } from '../../platform/test/helpers';
import { CHROMIUM_PATH, WAIT_TIMEOUT_MS, launchBrowser } from './browser';

const describeWithChromium = existsSync(CHROMIUM_PATH) ? describe : describe.skip;
if (!existsSync(CHROMIUM_PATH)) {
  // eslint-disable-next-line no-console -- a skipped suite must say why
  console.warn(`demo dashboard browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
}

/** The pages against the demo catalog and fleet that `npm start` runs, without the sample data. */
describeWithChromium('demo dashboard in Chromium', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform({ demo: true }));
    await waitFor(() => getJson(platform, '/api/v1/tenants/darmstadt/latest'), (response) => response.body.length > 0, 30_000);
    ({ context, close: closeBrowser } = await launchBrowser());
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await closeBrowser?.();
    await platform?.stop();
    cleanup?.();
  });

  it('map lists demo things with values', async () => {
    const { body: things } = await getJson(platform, '/api/v1/tenants/darmstadt/things');
    await page.goto(`${platform.httpUrl}/`);
    await page.locator('#live-status[data-state="open"]').waitFor({ timeout: WAIT_TIMEOUT_MS });
    const rows = page.locator('#things-table tbody tr[data-thing-id]');

    expect(await rows.count()).toBe(things.length);
    expect(await page.locator('#things-table').innerText()).not.toMatch(/\[object Object\]|\{\w+\}|undefined/);
    expect(await page.locator('.leaflet-marker-pane > *').count()).toBeGreaterThan(0);
  });

  it('demo datastream page draws chart', async () => {
    await page.goto(`${platform.httpUrl}/datastream.html?id=demo-parking-carree.free_spaces`);
    await page.locator('.chart canvas').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('h1').innerText()).toBe('Freie Stellplätze – Parkhaus Carree');
    expect(await page.locator('.data-table tbody tr').count()).toBeGreaterThan(0);
  });
});
