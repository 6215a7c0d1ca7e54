// Budgets of the public portal, measured in Debian's Chromium against the embedded platform:
//   1. first load of the map page on localhost (navigation timing, and the time until the map
//      and the list show the things), with an empty browser cache;
//   2. JavaScript the portal pages load: raw (decoded), as transferred in the encoding the
//      platform chose for Chromium's Accept-Encoding, and gzip-compressed at level 6 for
//      comparison with earlier runs;
//   3. map responsiveness with THINGS things: the first marker render, and zoom and pan steps
//      (keyboard + / - and arrow keys), each from the key press until the markers are drawn.
// The analytics jobs are off (STADTDATEN_ANALYTICS=false) unless the environment sets
// STADTDATEN_ANALYTICS, so the numbers show the portal alone.
// Needs a build (node tools/build.mjs --no-typecheck) and /usr/bin/chromium.
// Usage: node tools/bench/portal.mjs [--things 5000] [--accept-encoding identity]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const { connectAsync } = require('mqtt');

const cli = join(root, 'services', 'platform', 'dist', 'main.js');
const CHROMIUM_PATH = '/usr/bin/chromium';
const TENANT = 'darmstadt';
const thingsArgument = process.argv.indexOf('--things');
const THINGS = thingsArgument > 0 ? Number(process.argv[thingsArgument + 1]) : 5000;
const encodingArgument = process.argv.indexOf('--accept-encoding');
/** Accept-Encoding the browser sends instead of its own, e.g. `identity` to measure without compression. */
const ACCEPT_ENCODING = encodingArgument > 0 ? process.argv[encodingArgument + 1] : undefined;
const CONTEXT_HEADERS = ACCEPT_ENCODING === undefined ? {} : { extraHTTPHeaders: { 'accept-encoding': ACCEPT_ENCODING } };
const TIMEOUT_MS = 120_000;
const ZOOM_STEPS = 4;
const PAN_STEPS = 8;

const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-portal-bench-'));
const env = {
  ...process.env,
  LANG: 'en_US.UTF-8',
  STADTDATEN_LOG_LEVEL: 'warn',
  STADTDATEN_DATA_DIR: dataDir,
  STADTDATEN_ANALYTICS: process.env.STADTDATEN_ANALYTICS ?? 'false',
};

function log(message) {
  process.stderr.write(`[portal-bench] ${message}\n`);
}

async function startPlatform() {
  const child = spawn(process.execPath, [cli, 'start', '--no-demo', '--port', '0', '--mqtt-port', '0'], { env });
  let output = '';
  const urls = await new Promise((resolveUrls, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start: ${output}`)), 60_000);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const http = /Dashboard:\s+(http:\/\/\S+)\//.exec(output);
      const mqtt = /MQTT:\s+(mqtt:\/\/\S+)/.exec(output);
      if (http && mqtt) {
        clearTimeout(timer);
        resolveUrls({ http: http[1], mqtt: mqtt[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`platform exited with ${code}: ${output}`)));
  });
  return { child, ...urls };
}

function token(tenant, role) {
  return execFileSync(process.execPath, [cli, 'token', '--tenant', tenant, '--role', role, '--ttl', '7200', '--data-dir', dataDir], { env, encoding: 'utf8' }).trim();
}

/** Returns a deterministic pseudo-random sequence (mulberry32), so every run places the things alike. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** THINGS glass containers spread over the Darmstadt area, one device with a fill level each. */
function catalog() {
  const next = random(42);
  const ids = Array.from({ length: THINGS }, (_, index) => `bench-${String(index).padStart(5, '0')}`);
  return {
    tenants: [{ id: TENANT, name: 'Darmstadt' }],
    observedProperties: [{ id: 'fill_level', name: 'Füllstand', definition: 'urn:stadtdaten:property:fill_level' }],
    deviceTypes: [{ id: 'bench-container', tenant: TENANT, name: 'Fill-level sensor', payloadFormat: 'json', fields: [{ field: 'fill', observedProperty: 'fill_level', unit: '%', type: 'number', min: 0, max: 100 }] }],
    things: ids.map((id) => ({ tenant: TENANT, id, name: `Container ${id}`, useCase: 'waste', location: { type: 'Point', coordinates: [8.55 + next() * 0.2, 49.82 + next() * 0.1] } })),
    devices: ids.map((id) => ({ tenant: TENANT, id: `${id}-sensor`, type: 'bench-container', thing: id, classification: 'public' })),
  };
}

async function seed(platform) {
  const document = catalog();
  const response = await fetch(`${platform.http}/api/v1/catalog`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token('platform', 'platform-admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify(document),
  });
  if (!response.ok) {
    throw new Error(`catalog rejected: ${await response.text()}`);
  }
  const client = await connectAsync(platform.mqtt, { username: 'bench', password: token(TENANT, 'device'), reconnectPeriod: 0 });
  const next = random(7);
  await Promise.all(
    document.devices.map((device) =>
      client.publishAsync(`stadtdaten/${TENANT}/${device.id}/up/json`, JSON.stringify({ fill: Math.round(next() * 1000) / 10 }), { qos: 1 }),
    ),
  );
  await client.endAsync();
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const latest = await (await fetch(`${platform.http}/api/v1/tenants/${TENANT}/latest`)).json();
    if (latest.length >= THINGS) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${latest.length} of ${THINGS} latest values stored within ${TIMEOUT_MS} ms`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
}

/**
 * Loads a page in a fresh context and returns the scripts it fetched with their sizes: raw
 * (decoded), transferred (the body bytes on the wire) with its content encoding, and gzip level 6.
 */
async function scriptsOf(browser, url) {
  const context = await browser.newContext(CONTEXT_HEADERS);
  const page = await context.newPage();
  const scripts = new Map();
  const pending = [];
  page.on('requestfinished', (request) => {
    if (request.resourceType() !== 'script') {
      return;
    }
    pending.push(
      (async () => {
        const response = await request.response();
        const body = await response?.body().catch(() => null);
        if (!response || !body) {
          return;
        }
        const sizes = await request.sizes();
        scripts.set(new URL(request.url()).pathname, {
          raw: body.length,
          transferred: sizes.responseBodySize,
          encoding: response.headers()['content-encoding'] ?? 'identity',
          gzip: gzipSync(body, { level: 6 }).length,
        });
      })(),
    );
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(1500);
  await Promise.all(pending);
  await context.close();
  return scripts;
}

/** Sums the sizes of a set of scripts and counts their encodings. */
function totals(scripts) {
  const values = [...scripts.values()];
  const sum = (name) => values.reduce((total, script) => total + script[name], 0);
  const encodings = {};
  for (const script of values) {
    encodings[script.encoding] = (encodings[script.encoding] ?? 0) + 1;
  }
  return { files: values.length, raw: sum('raw'), transferred: sum('transferred'), gzip: sum('gzip'), encodings };
}

async function firstLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE', ...CONTEXT_HEADERS });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction((count) => document.querySelector('#list-count')?.textContent?.includes(`von ${count} `), THINGS, { timeout: TIMEOUT_MS });
  await page.locator('.leaflet-marker-pane > *').first().waitFor({ timeout: TIMEOUT_MS });
  await page.locator('#things-table tbody tr[data-thing-id]').first().waitFor({ timeout: TIMEOUT_MS });
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const renders = performance.getEntriesByName('stadtdaten:map-render');
    return {
      responseEndMs: navigation.responseEnd,
      domContentLoadedMs: navigation.domContentLoadedEventEnd,
      loadMs: navigation.loadEventEnd,
      firstMarkersMs: renders.find((entry) => entry.detail.markers > 0)?.startTime + renders.find((entry) => entry.detail.markers > 0)?.duration,
      firstRenderMs: renders.find((entry) => entry.detail.markers > 0)?.duration,
      listShownMs: performance.now(),
    };
  });
  return { page, context, timing };
}

/**
 * Presses a key on the focused map and returns the milliseconds from the key press until the
 * markers are drawn (Leaflet's 250 ms zoom or pan animation included), the time spent drawing
 * the markers, and the number of markers drawn.
 */
async function stepTime(page, key) {
  await page.evaluate(() => {
    window.benchRendersBefore = performance.getEntriesByName('stadtdaten:map-render').length;
    window.benchStarted = performance.now();
  });
  await page.keyboard.press(key);
  return page.evaluate(async () => {
    for (let frame = 0; frame < 600; frame++) {
      await new Promise((resolveFrame) => requestAnimationFrame(resolveFrame));
      const renders = performance.getEntriesByName('stadtdaten:map-render');
      if (renders.length > window.benchRendersBefore) {
        // Leaflet ends a zoom with zoomend and moveend, and each draws: all draws since the key press count.
        const fresh = renders.slice(window.benchRendersBefore);
        const last = fresh[fresh.length - 1];
        const renderMs = fresh.reduce((sum, entry) => sum + entry.duration, 0);
        return { totalMs: last.startTime + last.duration - window.benchStarted, renderMs, markers: last.detail.markers };
      }
    }
    return { totalMs: Number.NaN, renderMs: Number.NaN, markers: 0 };
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const max = (values) => Math.max(...values);
const round = (value) => Math.round(value * 10) / 10;

async function main() {
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: run node tools/build.mjs --no-typecheck first`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install chromium`);
  }
  const platform = await startPlatform();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    log(`platform at ${platform.http}; registering ${THINGS} things`);
    await seed(platform);

    log('measuring first load');
    const load = await firstLoad(browser, `${platform.http}/`);
    await load.page.locator('#map').focus();
    const zoom = [];
    for (let step = 0; step < ZOOM_STEPS; step++) {
      zoom.push(await stepTime(load.page, '+'));
    }
    for (let step = 0; step < ZOOM_STEPS; step++) {
      zoom.push(await stepTime(load.page, '-'));
    }
    const pan = [];
    for (let step = 0; step < PAN_STEPS; step++) {
      pan.push(await stepTime(load.page, step % 2 === 0 ? 'ArrowRight' : 'ArrowDown'));
    }
    await load.context.close();

    log('measuring shipped JavaScript');
    const pages = ['/', '/thing.html?id=bench-00000', '/use-case.html?useCase=waste', '/datastream.html?id=bench-00000-sensor.fill'];
    const union = new Map();
    const perPage = [];
    for (const path of pages) {
      const scripts = await scriptsOf(browser, `${platform.http}${path}`);
      perPage.push({ path, ...totals(scripts) });
      scripts.forEach((size, script) => union.set(script, size));
    }
    const total = totals(union);

    const report = {
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, chromium: browser.version() },
      things: THINGS,
      analytics: env.STADTDATEN_ANALYTICS,
      acceptEncoding: ACCEPT_ENCODING ?? "Chromium's own",
      firstLoad: Object.fromEntries(Object.entries(load.timing).map(([name, value]) => [name, round(value)])),
      zoom: { medianMs: round(median(zoom.map((entry) => entry.totalMs))), maxMs: round(max(zoom.map((entry) => entry.totalMs))), medianRenderMs: round(median(zoom.map((entry) => entry.renderMs))), markersShown: zoom.map((entry) => entry.markers) },
      pan: { medianMs: round(median(pan.map((entry) => entry.totalMs))), maxMs: round(max(pan.map((entry) => entry.totalMs))), medianRenderMs: round(median(pan.map((entry) => entry.renderMs))) },
      javascript: { perPage, allPortalPages: total },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await browser.close();
    platform.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
