import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '@stadtdaten/contracts';
import type { RunningPlatform } from '../../platform/src/platform';
import { applyCatalog, getJson, startTestPlatform } from '../../platform/test/helpers';
import { axeViolations, describeInBrowserWithSamples, focusedElement, launchBrowser, loginToConsole, waitFor, WAIT_TIMEOUT_MS } from './browser';
import { type SampleThing, TENANT, sampleCatalog, sampleThings, sendReading, sensorCommunityCsv } from './sample-feed';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/**
 * Maximum wait for the analytics jobs in milliseconds. Both run 5 s after the start and then
 * every minute, and the platform reads the registry for them at most once a minute, so data
 * sent after the first run shows after the second or third.
 */
const ANALYTICS_WAIT_MS = 150_000;

/** Names of the pollutants in this test's catalog, by observed property id. */
const POLLUTANT_NAMES: Record<string, string> = { pm10: 'PM10', pm2_5: 'PM2.5', no2: 'Stickstoffdioxid (NO₂)', o3: 'Ozon (O₃)' };

/** The UBA air-monitoring station Münster DENW095, which measures PM10, O₃ and NO₂ as hourly values. */
const UBA_STATION: SampleThing = {
  id: 'uba-denw095',
  name: 'Luftmessstation Münster (UBA DENW095)',
  useCase: 'air-quality',
  coordinates: [7.6261, 51.9607],
  deviceId: 'uba-denw095-monitor',
  deviceType: 'uba-station',
  readings: [],
};

const UBA_DEVICE_TYPE = {
  tenant: TENANT,
  id: 'uba-station',
  name: 'Air-monitoring station (UBA export)',
  payloadFormat: 'json',
  fields: [
    { field: 'pm10', observedProperty: 'pm10', unit: 'ug/m3', type: 'number', min: 0, max: 2000 },
    { field: 'o3', observedProperty: 'o3', unit: 'ug/m3', type: 'number', min: 0, max: 1000 },
    { field: 'no2', observedProperty: 'no2', unit: 'ug/m3', type: 'number', min: 0, max: 1000 },
  ],
};

/**
 * Reads the first four consecutive hours of the UBA export with PM10, O₃ and NO₂ values and
 * moves them to now. Three readings fall into the last three complete hours, which the index job
 * rates, and one into the current hour.
 */
function ubaReadings(dir: string, nowMs: number): Array<Record<string, unknown>> {
  const rows: string[][] = parse(readFileSync(join(dir, 'uba-air', 'uba_muenster_DENW095_2022-10-24_2022-11-06.csv'), 'utf8'), {
    delimiter: ';',
    bom: true,
    from_line: 2,
    relax_column_count: true,
  });
  const complete = rows.map((row) => (row[0] === 'DENW095' && [row[2], row[3], row[4]].every((value) => /^\d/.test(value ?? '')) ? row : undefined));
  const start = complete.findIndex((row, index) => complete.slice(index, index + 4).every((entry) => entry !== undefined));
  const hourStartMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const times = [hourStartMs - 3 * HOUR_MS + 30 * MINUTE_MS, hourStartMs - 2 * HOUR_MS + 30 * MINUTE_MS, hourStartMs - HOUR_MS + 30 * MINUTE_MS, Math.floor((hourStartMs + nowMs) / 2)];

  return complete.slice(start, start + 4).map((row, index) => ({
    time: new Date(times[index]).toISOString(),
    pm10: Number(row![2]),
    o3: Number(row![3]),
    no2: Number(row![4]),
  }));
}

/** Returns the first rows of the sensor.community archive with PM10 (P1) and PM2.5 (P2), in UTC. */
function sensorCommunityReadings(dir: string, count: number): Array<Record<string, unknown>> {
  const rows: Array<Record<string, string>> = parse(sensorCommunityCsv(dir), { columns: true, delimiter: ';' });

  return rows
    .filter((row) => row.P1 !== '' && row.P2 !== '')
    .slice(0, count)
    .map((row) => ({ time: `${row.timestamp}Z`, P1: Number(row.P1), P2: Number(row.P2) }));
}

/** Formats a time as the German pages do (formatDateTime in public/js/i18n.js). */
function germanDateTime(time: string): string {
  return new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(time));
}

interface LatestEntry {
  datastreamId: string;
  phenomenonTime: string;
  result: unknown;
}

describeInBrowserWithSamples('data quality and air-quality index in Chromium', (dir) => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let staleThing: SampleThing;
  let sensorStation: SampleThing;
  let index: { level: number; pollutant: string; hour: string };
  let analyticsDir: string;

  const url = (path: string) => `${platform.httpUrl}${path}`;
  const staleDatastream = () => `${staleThing.deviceId}.temperature`;

  beforeAll(async () => {
    const { http, airQuality } = sampleThings(dir);
    staleThing = http.find((thing) => thing.useCase === 'water-temperature')!;
    sensorStation = airQuality;
    analyticsDir = mkdtempSync(join(tmpdir(), 'stadtdaten-quality-test-'));
    const analyticsFile = join(analyticsDir, 'analytics.json');
    writeFileSync(
      analyticsFile,
      JSON.stringify({
        jobs: [
          // The water station counts as stale one second after its last reading, so the test need not wait hours.
          { name: 'quality', kind: 'quality', trigger: { every: '1m' }, parameters: { overrides: [{ match: { devices: [staleThing.deviceId] }, expectedInterval: '1s', staleFactor: 1 }] } },
          { name: 'air-quality-index', kind: 'air-quality-index', trigger: { every: '1m' } },
        ],
      }),
    );
    ({ platform, cleanup } = await startTestPlatform({ analytics: true, env: { STADTDATEN_ANALYTICS_FILE: analyticsFile } }));

    const catalog = sampleCatalog([staleThing, sensorStation, UBA_STATION]);
    catalog.observedProperties.push(
      { id: 'no2', name: POLLUTANT_NAMES.no2, definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/8' },
      { id: 'o3', name: POLLUTANT_NAMES.o3, definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/7' },
    );
    catalog.deviceTypes.push(UBA_DEVICE_TYPE as (typeof catalog.deviceTypes)[number]);
    await applyCatalog(platform, JSON.stringify(catalog));
    const deviceToken = await platform.issueToken(TENANT, ['device'], 'quality-test');
    await sendReading(platform, deviceToken, UBA_STATION.deviceId, ubaReadings(dir, Date.now()));
    await sendReading(platform, deviceToken, staleThing.deviceId, staleThing.readings);
    await sendReading(platform, deviceToken, sensorStation.deviceId, sensorCommunityReadings(dir, 20));

    const admin = await platform.issueToken(TENANT, ['tenant-admin'], 'quality-wait');
    await waitFor(
      'the stale water station and the checked UBA station',
      async () => {
        const { body } = await getJson(platform, '/api/v1/quality', admin);
        const statusOf = (deviceId: string) => body.items?.find((item: { deviceId: string }) => item.deviceId === deviceId)?.status;
        return statusOf(staleThing.deviceId) === 'stale' && statusOf(UBA_STATION.deviceId) === 'ok' ? true : undefined;
      },
      ANALYTICS_WAIT_MS,
    );
    index = await waitFor(
      'the air-quality index of the UBA station',
      async () => {
        const { body } = await getJson(platform, `/api/v1/tenants/${TENANT}/latest`);
        const entries = body as LatestEntry[];
        const level = entries.find((entry) => entry.datastreamId === `aqi-${UBA_STATION.id}.index`);
        const pollutant = entries.find((entry) => entry.datastreamId === `aqi-${UBA_STATION.id}.dominant_pollutant`);
        if (level === undefined || pollutant === undefined || pollutant.phenomenonTime !== level.phenomenonTime) {
          return undefined;
        }
        return { level: level.result as number, pollutant: pollutant.result as string, hour: level.phenomenonTime };
      },
      ANALYTICS_WAIT_MS,
    );
    ({ context, close: closeBrowser } = await launchBrowser());
  }, ANALYTICS_WAIT_MS * 2 + 60_000);

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
    rmSync(analyticsDir, { recursive: true, force: true });
  });

  const login = (target: Page, roles: Role[], tenant = TENANT, hash = '') => loginToConsole(target, platform, roles, tenant, hash);

  async function openQualityScreen(target: Page, roles: Role[], tenant = TENANT) {
    await login(target, roles, tenant, '#/quality');
    await target.locator('#quality-result[data-kind="success"], #quality-result[data-kind="error"]').waitFor({ timeout: WAIT_TIMEOUT_MS });
  }

  /** Opens a thing page and waits until its latest values are shown. */
  async function openThing(target: Page, thing: SampleThing) {
    await target.goto(url(`/thing.html?id=${thing.id}`));
    await target.locator('#latest-values li').first().waitFor({ timeout: WAIT_TIMEOUT_MS });
    await target.waitForFunction(() => !document.querySelector('.section-status[data-kind="info"]')?.textContent?.includes('…'), undefined, { timeout: WAIT_TIMEOUT_MS });
  }

  const deviceRow = (target: Page, deviceId: string) => target.locator('#quality-table tbody tr', { has: target.locator(`a[href="#/devices?filter=${deviceId}"]`) });
  const datastreamRow = (target: Page, datastreamId: string) => target.locator('#quality-table tbody tr', { has: target.locator(`a[href="#/datastreams?filter=${encodeURIComponent(datastreamId)}"]`) });

  it('quality screen shows stale device', async () => {
    await openQualityScreen(page, ['tenant-admin']);
    const row = deviceRow(page, staleThing.deviceId);
    const streamRow = datastreamRow(page, staleDatastream());

    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('stale');
    expect(await row.innerText()).toContain('⚠ veraltet');
    expect(await row.innerText()).toContain('stale');
    expect(await streamRow.innerText()).toContain('veraltet');
    expect(await streamRow.locator('[lang="en"]').innerText()).toContain('no reading for');
    expect(await page.locator('#quality-result').innerText()).toMatch(/^\d+ von \d+ geprüften Geräten\.$/);
  });

  it('quality filter keeps chosen status', async () => {
    await openQualityScreen(page, ['analyst']);
    await page.locator('#quality-status').selectOption('stale');
    await page.locator('#quality-status').focus();
    await page.keyboard.press('Tab');
    expect(await focusedElement(page)).toBe('button:Anzeigen');
    await page.keyboard.press('Enter');
    await page.locator('#quality-result').filter({ hasText: 'von' }).waitFor({ timeout: WAIT_TIMEOUT_MS });
    const datastreamStatuses = await page.locator('#quality-table tbody tr:has(.quality-datastream) [data-status]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-status')));

    expect(await deviceRow(page, staleThing.deviceId).count()).toBe(1);
    expect(await deviceRow(page, UBA_STATION.deviceId).count()).toBe(0);
    expect(datastreamStatuses.length).toBeGreaterThan(0);
    expect(new Set(datastreamStatuses)).toEqual(new Set(['stale']));
  });

  it('quality row link opens device', async () => {
    await openQualityScreen(page, ['tenant-admin']);
    await deviceRow(page, staleThing.deviceId).locator('a').focus();
    await page.keyboard.press('Enter');
    await page.locator('#screen-heading').filter({ hasText: 'Geräte' }).waitFor({ timeout: WAIT_TIMEOUT_MS });
    await page.locator('#devices-table tbody tr').first().waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await page.locator('#device-filter').inputValue()).toBe(staleThing.deviceId);
    expect(await page.locator('#devices-table tbody tr').allInnerTexts()).toEqual([expect.stringContaining(staleThing.deviceId)]);
  });

  it('quality screen stays within tenant', async () => {
    await openQualityScreen(page, ['tenant-admin'], 'kassel');

    expect(await page.locator('#quality-table').innerText()).not.toContain(staleThing.deviceId);
    expect(await page.locator('#quality-result').innerText()).toBe('0 von 0 geprüften Geräten.');
  });

  it('quality screen passes axe', async () => {
    await openQualityScreen(page, ['tenant-admin']);
    await page.locator('.quality-legend summary').click();

    expect(await axeViolations(page)).toEqual([]);
  });

  it('thing page tells data are stale', async () => {
    const { body } = await getJson(platform, `/api/v1/quality/public/${TENANT}?thing=${staleThing.id}`);
    const item = body.items.find((entry: { datastreamId: string }) => entry.datastreamId === staleDatastream());
    await openThing(page, staleThing);
    const notice = page.locator(`#latest-values li[data-datastream-id="${staleDatastream()}"] .quality-notice`);

    expect(item.status).toBe('stale');
    expect(await notice.innerText()).toContain(`Keine aktuellen Daten seit ${germanDateTime(item.lastReceivedAt)}.`);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('thing without problem has no notice', async () => {
    const { body } = await getJson(platform, `/api/v1/quality/public/${TENANT}?thing=${UBA_STATION.id}`);
    await openThing(page, UBA_STATION);

    expect(body.items.map((item: { status: string }) => item.status)).toEqual(['ok', 'ok', 'ok']);
    expect(await page.locator('#latest-values li').count()).toBeGreaterThan(0);
    expect(await page.locator('.quality-notice').count()).toBe(0);
  });

  it('air quality shows analytics index', async () => {
    await openThing(page, UBA_STATION);
    const summary = page.locator('#thing-summary');
    await summary.filter({ hasText: 'Stundenindex' }).waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await summary.innerText()).toContain(`Stufe ${index.level} von 5, Stundenindex, ausschlaggebend: ${POLLUTANT_NAMES[index.pollutant]}`);
    expect(await page.locator('#thing-summary-source').innerText()).toContain(`Luftqualitätsindex des Umweltbundesamts, den die Plattform aus den Stundenmitteln der Stunde ab ${germanDateTime(index.hour)}`);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('air quality falls back to single values', async () => {
    const { status } = await getJson(platform, `/api/v1/tenants/${TENANT}/datastreams/aqi-${sensorStation.id}.index`);
    await openThing(page, sensorStation);
    const summary = page.locator('#thing-summary');
    await summary.filter({ hasText: 'Stufe' }).waitFor({ timeout: WAIT_TIMEOUT_MS });

    // The station's index datastream exists, but its readings are from 2018, so the job wrote no index value.
    expect(status).toBe(200);
    expect(await summary.innerText()).not.toContain('Stundenindex');
    expect(await page.locator('#thing-summary-source').innerText()).toContain('neuesten Einzelwert je Schadstoff');
  });

  it('topic page rates each station', async () => {
    await page.goto(url('/use-case.html?useCase=air-quality'));
    const row = (thing: SampleThing) => page.locator('#use-case-things tbody tr', { hasText: thing.name });
    await row(UBA_STATION).filter({ hasText: 'Stundenindex' }).waitFor({ timeout: WAIT_TIMEOUT_MS });

    expect(await row(UBA_STATION).innerText()).toContain(`Stufe ${index.level} von 5`);
    expect(await row(sensorStation).innerText()).toContain('Stufe');
    expect(await row(sensorStation).innerText()).not.toContain('Stundenindex');
  });

  it('english shows notice and screen', async () => {
    const english = await launchBrowser('en-US');
    try {
      const englishPage = await english.context.newPage();
      await openThing(englishPage, staleThing);

      expect(await englishPage.locator('.quality-notice').first().innerText()).toContain('No current data since');
      expect(await axeViolations(englishPage)).toEqual([]);

      await openQualityScreen(englishPage, ['tenant-admin']);

      expect(await englishPage.locator('#screen-heading').innerText()).toBe('Data quality');
      expect(await deviceRow(englishPage, staleThing.deviceId).innerText()).toContain('⚠ stale');
      expect(await axeViolations(englishPage)).toEqual([]);
    } finally {
      await english.close();
    }
  });
});
