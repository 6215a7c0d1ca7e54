import type { BrowserContext, Page } from 'playwright-core';
import type { RunningPlatform } from '../../platform/src/platform';
import { startTestPlatform } from '../../platform/test/helpers';
import { axeViolations, describeInBrowserWithSamples, focusedElement, launchBrowser, waitFor, WAIT_TIMEOUT_MS } from './browser';
import { type SampleThing, TENANT, feedSamples, sendReading, sensorCommunityRows } from './sample-feed';

const PM10_DATASTREAM = 'sensor-community-15092.P1';
const PM10_DAY = '2018-10-28';
const PM10_PAGE = `/datastream.html?id=${PM10_DATASTREAM}&range=custom&from=${PM10_DAY}&to=${PM10_DAY}&aggregation=raw`;

/** Formats a number as the German pages do (decimal comma, at most three decimals). */
const german = (value: number) => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 3 }).format(value);

describeInBrowserWithSamples('public portal in Chromium', (dir) => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let things: SampleThing[];
  let deviceToken: string;

  const url = (path: string) => `${platform.httpUrl}${path}`;
  const thingsOf = (useCase: string) => things.filter((thing) => thing.useCase === useCase);

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    ({ things, deviceToken } = await feedSamples(platform, dir));
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

  async function openMap() {
    await page.goto(url('/'));
    await page.locator('#layer-list input').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
  }

  it('map layers show sample things', async () => {
    await openMap();
    const useCases = [...new Set(things.map((thing) => thing.useCase))];

    for (const useCase of useCases) {
      await expectLayerCount(useCase, thingsOf(useCase).length);
    }
    for (const useCase of useCases) {
      const others = useCases.filter((other) => other !== useCase);
      for (const other of others) {
        await page.locator(`#layer-${other}`).uncheck();
      }
      const count = thingsOf(useCase).length;
      expect(await page.locator('#list-count').innerText()).toContain(`von ${count} Messpunkten`);
      expect(await page.locator('.thing-marker-wrapper:not([data-use-case="' + useCase + '"])').count()).toBe(0);
      for (const other of others) {
        await page.locator(`#layer-${other}`).check();
      }
    }
  });

  async function expectLayerCount(useCase: string, count: number) {
    expect(await page.locator(`label[for="layer-${useCase}"]`).innerText()).toContain(`(${count})`);
  }

  it('map marker shows value of thing', async () => {
    const station = thingsOf('ev-charging')[0];
    await openMap();
    const row = page.locator(`#things-table tr[data-thing-id="${station.id}"]`);
    await row.locator('button').click();
    const marker = page.locator(`.thing-marker-wrapper[data-thing-id="${station.id}"]`);
    await marker.waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await marker.getAttribute('aria-label')).toContain(`${station.name} (Ladesäulen): Ladepunkte: ${station.readings[0].charge_points}`);
    expect(await page.locator('.leaflet-popup-content').innerText()).toContain(`${german(station.readings[0].power as number)} kW`);
  });

  it('map clusters nearby things', async () => {
    await openMap();
    const cluster = page.locator('.cluster-marker-wrapper').first();
    await cluster.waitFor({ timeout: WAIT_TIMEOUT_MS });
    const size = Number(await cluster.getAttribute('data-cluster-size'));
    const zoomBefore = Number(await page.locator('#map').getAttribute('data-zoom'));

    await cluster.focus();
    await page.keyboard.press('Enter');
    const zoomAfter = await waitFor('the map to zoom into the cluster', async () => {
      const zoom = Number(await page.locator('#map').getAttribute('data-zoom'));
      return zoom > zoomBefore ? zoom : undefined;
    });

    expect(size).toBeGreaterThan(1);
    expect(zoomAfter).toBeGreaterThan(zoomBefore);
  });

  async function openPm10Chart() {
    await page.goto(url(PM10_PAGE));
    await page.locator('.data-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
  }

  /** Returns the sample rows inside the window of the page's JSON download link. */
  async function expectedRowsOfPage() {
    const href = await page.locator('a[data-format="json"]').getAttribute('href');
    const query = new URL(href!, platform.httpUrl).searchParams;
    const fromMs = Date.parse(query.get('from')!);
    const toMs = Date.parse(query.get('to')!);
    return sensorCommunityRows(dir).filter((row) => row.timeMs >= fromMs && row.timeMs < toMs);
  }

  it('chart shows stored values', async () => {
    await openPm10Chart();
    const expected = await expectedRowsOfPage();
    const newestFirst = [...expected].reverse();
    const values = await page.locator('.data-table tbody tr td.number').allInnerTexts();

    expect(expected.length).toBeGreaterThan(500);
    expect(await page.locator('.chart-table [role="status"]').innerText()).toBe(`100 von ${expected.length} Zeilen angezeigt.`);
    expect(values).toEqual(newestFirst.slice(0, 100).map((row) => german(row.pm10)));
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('.chart').getAttribute('aria-label')).toContain(`${expected.length} Werte`);
  });

  it('download returns shown values', async () => {
    await openPm10Chart();
    const expected = await expectedRowsOfPage();
    const href = await page.locator('a[data-format="csv"]').getAttribute('href');
    const response = await fetch(new URL(href!, platform.httpUrl));
    const lines = (await response.text()).trim().split('\n');
    const rows = lines.slice(1).map((line) => line.split(','));

    expect(response.status).toBe(200);
    expect(rows.map((row) => [Date.parse(row[0]), Number(row[1])])).toEqual(expected.map((row) => [row.timeMs, row.pm10]));
    expect(await page.locator('a[data-format="sensorthings"]').getAttribute('href')).toBe(`/sta/v1.1/tenants/${TENANT}/Datastreams('${PM10_DATASTREAM}')/Observations`);
    expect(await page.locator('a[rel="license"]').first().getAttribute('href')).toBe('https://www.govdata.de/dl-de/by-2-0');
  });

  it('proof check tells genuine from changed', async () => {
    await openPm10Chart();
    const shown = await page.locator('.data-table tbody tr td.number').first().innerText();
    await page.locator('.data-table tbody .check-button').first().click();
    const result = page.locator('.proof-result');
    await result.waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await result.getAttribute('data-verdict')).toBe('genuine');
    expect(await page.locator('#proof-value').inputValue()).toBe(shown);

    await page.locator('#proof-value').fill(`${shown}1`);
    await page.locator('.proof-form button[type="submit"]').click();
    await page.locator('.proof-result[data-verdict="not-genuine"]').waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('.proof-result').innerText()).toContain('Nicht echt');
  });

  it('canonical encoding matches test vector', async () => {
    await page.goto(url('/'));
    // The test vector of libs/integrity/README.md. The script is a string because the test's own
    // import() calls are compiled to require(), which the browser does not have.
    const leafHash = await page.evaluate(`(async () => {
      const { encodeCanonicalObservation } = await import('/js/proof/canonical.js');
      const { hashLeaf, bytesToHex } = await import('/js/proof/verify.js');
      const fields = {
        schemaVersion: 1, tenant: 'darmstadt', datastreamId: 'ds-1', thingId: 'thing-1', deviceId: 'dev-1',
        observedProperty: 'air_temperature', unit: 'Cel', phenomenonTimeMs: 1733310000000, resultTimeMs: 1733310000250,
        result: { type: 'number', value: 21.5 },
      };
      return bytesToHex(await hashLeaf(encodeCanonicalObservation(fields)));
    })()`);

    expect(leafHash).toBe('693356af4fdae795a7b20132926292b3df0c899b949e9cfca638d619bea4f90a');
  });

  it('live values update without reload', async () => {
    const station = thingsOf('ev-charging')[1];
    await page.addInitScript(() => {
      const Original = window.EventSource;
      (window as any).closedStreams = 0;
      window.EventSource = class extends Original {
        override close() {
          (window as any).closedStreams += 1;
          super.close();
        }
      } as typeof EventSource;
    });
    await openMap();
    await page.locator('#live-status[data-state="open"]').waitFor({ timeout: WAIT_TIMEOUT_MS });
    const row = page.locator(`#things-table tr[data-thing-id="${station.id}"] .thing-summary`);

    await sendReading(platform, deviceToken, station.deviceId, { time: new Date().toISOString(), charge_points: 7, power: 22 });
    await waitFor('the new value in the list', async () => ((await row.innerText()).includes('Ladepunkte: 7') ? true : undefined));

    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(await page.evaluate(() => (window as any).closedStreams)).toBe(1);
    expect(await page.locator('#live-status').getAttribute('data-state')).toBe('paused');

    await sendReading(platform, deviceToken, station.deviceId, { time: new Date().toISOString(), charge_points: 9, power: 22 });
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor('the value sent while hidden', async () => ((await row.innerText()).includes('Ladepunkte: 9') ? true : undefined));
  });

  it.each([
    ['map', '/'],
    ['topics', '/use-case.html'],
    ['parking topic', '/use-case.html?useCase=parking'],
    ['thing', '/thing.html?id=ev-1'],
    ['datastream', PM10_PAGE],
  ])('%s page passes axe', async (name, path) => {
    await page.goto(url(path));
    // The status line ends with "…" while the page loads; an open live stream keeps the network busy, so network idle never comes.
    await page.waitForFunction(() => /\S/.test(document.querySelector('#status')?.textContent ?? '') && !document.querySelector('#status')!.textContent!.includes('…'), undefined, { timeout: WAIT_TIMEOUT_MS });
    await page.waitForFunction(() => !document.querySelector('.section-status[data-kind="info"]')?.textContent?.includes('…'), undefined, { timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('proof dialog passes axe', async () => {
    await openPm10Chart();
    await page.locator('.data-table tbody .check-button').first().click();
    await page.locator('.proof-result').waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await axeViolations(page)).toEqual([]);
  });

  it('keyboard reaches map controls in order', async () => {
    await openMap();
    const order: string[] = [];
    for (let press = 0; press < 40 && !order.includes('#thing-search'); press++) {
      await page.keyboard.press('Tab');
      order.push(await focusedElement(page));
    }
    const position = (name: string) => order.findIndex((entry) => entry.startsWith(name));

    expect(position('a:Zum Inhalt')).toBe(0);
    expect(position('#language-switch')).toBeGreaterThan(position('a:Karte'));
    expect(position('#layer-')).toBeGreaterThan(position('#language-switch'));
    expect(position('marker:')).toBeGreaterThan(position('#layer-'));
    expect(position('#thing-search')).toBeGreaterThan(position('marker:'));
  });

  it('keyboard toggles layer and opens marker', async () => {
    await openMap();
    const layer = page.locator('#layer-parking');
    await layer.focus();
    await page.keyboard.press('Space');

    expect(await layer.isChecked()).toBe(false);
    expect(await page.locator('.thing-marker-wrapper[data-use-case="parking"]').count()).toBe(0);

    await page.keyboard.press('Space');
    const park = thingsOf('parking')[0];
    await page.locator(`#things-table tr[data-thing-id="${park.id}"] button`).focus();
    await page.keyboard.press('Enter');
    await page.locator('.leaflet-popup-content').waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await layer.isChecked()).toBe(true);
    expect(await focusedElement(page)).toBe('marker:parking');
    expect(await page.locator('.leaflet-popup-content').innerText()).toContain('Stellplätzen frei');

    await page.keyboard.press('Escape');
    await page.locator('.leaflet-popup-content').waitFor({ state: 'detached' });
  });

  it('keyboard operates chart controls', async () => {
    await openPm10Chart();
    await page.locator('.range-button[data-range="7d"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/range=7d/);
    await page.locator('#view-aggregation').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/aggregation=15m/);
    await page.goto(url(PM10_PAGE));
    const check = page.locator('.data-table tbody .check-button').first();
    await check.waitFor({ timeout: WAIT_TIMEOUT_MS });
    await check.focus();
    await page.keyboard.press('Enter');
    await page.locator('.proof-result').waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await focusedElement(page)).toBe('#proof-value');

    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });

    expect(await check.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it('parking topic lists sample values', async () => {
    const parks = thingsOf('parking');
    await page.goto(url('/use-case.html?useCase=parking&range=custom&from=2024-11-20&to=2024-12-31&aggregation=raw'));
    await page.locator('#use-case-things tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    const text = await page.locator('#use-case-things').innerText();

    expect(await page.locator('#use-case-things tbody tr').count()).toBe(parks.length);
    for (const park of parks) {
      expect(text).toContain(`${german(park.readings[0].free_spaces as number)} von ${german(park.readings[0].capacity as number)} Stellplätzen frei`);
    }
  });

  it('thing page names unit and source', async () => {
    const station = thingsOf('ev-charging')[0];
    await page.goto(url(`/thing.html?id=${station.id}`));
    const section = page.locator(`.datastream-section[data-datastream-id="${station.deviceId}.power"]`);
    await section.locator('.data-table').waitFor({ state: 'attached', timeout: WAIT_TIMEOUT_MS });
    const meta = await section.locator('dl.meta').innerText();

    expect(meta).toContain('Kilowatt');
    expect(meta).toContain(`Gerät ${station.deviceId}, veröffentlicht von ${TENANT}`);
    expect(await page.locator('h1').innerText()).toBe(station.name);
  });

  it('english follows accept-language', async () => {
    const english = await launchBrowser('en-US');
    try {
      const englishPage = await english.context.newPage();
      await englishPage.goto(url('/'));
      await englishPage.locator('#layer-list input').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

      expect(await englishPage.locator('html').getAttribute('lang')).toBe('en');
      expect(await englishPage.locator('h1').innerText()).toBe('Measuring points in Darmstadt');
      expect(await axeViolations(englishPage)).toEqual([]);

      await englishPage.locator('#language-switch').click();
      await englishPage.reload();
      await englishPage.locator('#layer-list input').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

      expect(await englishPage.locator('html').getAttribute('lang')).toBe('de');
    } finally {
      await english.close();
    }
  });
});
