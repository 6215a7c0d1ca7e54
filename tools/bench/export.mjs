// Time and peak memory of `stadtdaten export` on a generated data folder of the embedded platform.
// The script generates one tenant with 100 public datastreams and --count observations (one a
// minute per datastream) in SQLite. With --signed it signs them in batches of 1,000, as the
// validator does: each batch holds consecutive readings of one datastream, or with --interleaved
// the same minutes of every datastream, as batches from many devices are in live operation.
// Then it runs the export command in a child process and samples the child's peak resident
// memory (VmHWM). With --import it then imports that export into a new data folder the same
// way and measures the import, which checks and restores the signatures too.
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/export.mjs [--count 10000000] [--signed [--interleaved]] [--import] [--keep]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..', '..');
const lib = (name) => require(join(root, 'libs', name, 'dist', 'index.js'));
const { Clock, createObservation, observationId, toResultCase } = lib('contracts');
const { openRegistry } = lib('registry');
const { SqliteTimeSeriesStore } = lib('timeseries');
const { BatchSigner, SqliteSignatureStore, TenantKeysSigningKeyStore, decodeSignatureBatchEvent, encodeSignatureBatchEvent, signatureRef, signedObservationOf } =
  lib('integrity');
const { openTenantKeys } = lib('runtime');
const { createLogger } = lib('observability');
const pino = require('pino');

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '10000000' },
    signed: { type: 'boolean', default: false },
    interleaved: { type: 'boolean', default: false },
    import: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const COUNT = Number(args.count);
const DATASTREAMS = 100;
const WRITE_BATCH = 10_000;
const SIGN_BATCH = 1000;
const START_MS = Date.UTC(2020, 0, 1);

const work = mkdtempSync(join(tmpdir(), 'stadtdaten-bench-export-'));
const dataDir = join(work, 'data');
const outDir = join(work, 'export');
const importDir = join(work, 'imported');

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

async function applyCatalog() {
  const registry = await openRegistry({ type: 'sqlite', path: join(dataDir, 'registry.sqlite') });
  await registry.applyCatalog({
    tenants: [{ id: 'bench', name: 'Benchmark' }],
    observedProperties: [{ id: 'power', name: 'Leistung', definition: 'urn:stadtdaten:property:power' }],
    deviceTypes: [{ id: 'meter', tenant: 'bench', name: 'Meter', payloadFormat: 'json', fields: [{ field: 'power', observedProperty: 'power', unit: 'kW', type: 'number' }] }],
    things: [{ tenant: 'bench', id: 'site', name: 'Site', useCase: 'energy', location: { type: 'Point', coordinates: [8.65, 49.87] } }],
    devices: Array.from({ length: DATASTREAMS }, (_, index) => ({ tenant: 'bench', id: `meter-${index}`, type: 'meter', thing: 'site', classification: 'public' })),
  });
  await registry.close();
}

/** Writes the observations datastream by datastream, and signs them when --signed is given. */
async function generate() {
  const store = new SqliteTimeSeriesStore({ path: join(dataDir, 'timeseries.sqlite'), synchronous: 'NORMAL' });
  await store.connect();
  const logger = createLogger({ service: 'bench', version: '0.1.0', env: 'bench', level: 'warn', destination: pino.destination({ dest: 2, sync: true }) });
  const keys = openTenantKeys({ service: 'bench', dataDir, logger, adapters: {} }, new Clock());
  const signer = new BatchSigner(new TenantKeysSigningKeyStore(keys));
  const signatures = new SqliteSignatureStore({ path: join(dataDir, 'signatures.sqlite') });
  await signatures.connect();

  const perDatastream = Math.ceil(COUNT / DATASTREAMS);
  let written = 0;
  for (let device = 0; device < DATASTREAMS && written < COUNT; device += 1) {
    const datastreamId = `meter-${device}.power`;
    const total = Math.min(perDatastream, COUNT - written);
    for (let start = 0; start < total; start += WRITE_BATCH) {
      const rows = [];
      for (let index = start; index < Math.min(total, start + WRITE_BATCH); index += 1) {
        rows.push(makeRow(device, index));
      }
      await store.write(rows);
      if (args.signed && !args.interleaved) {
        await sign(signer, signatures, rows);
      }
      written += rows.length;
    }
    log(`generated ${written} of ${COUNT} observations`);
  }
  if (args.signed && args.interleaved) {
    await signInterleaved(signer, signatures, perDatastream);
  }
  await Promise.all([store.close(), signatures.close(), keys.close()]);
}

function makeRow(device, index) {
  const datastreamId = `meter-${device}.power`;
  const timeMs = START_MS + index * 60_000;

  return { id: observationId('bench', datastreamId, timeMs), tenant: 'bench', datastreamId, phenomenonTimeMs: timeMs, resultTimeMs: timeMs, receivedAtMs: timeMs + 800, result: Math.round(Math.sin(index / 60) * 5000) / 100, qualityFlags: [], storageProfile: 'onprem-darz' };
}

/** Signs the stored rows in batches that each hold the same minutes of every datastream. */
async function signInterleaved(signer, signatures, perDatastream) {
  const minutesPerBatch = Math.max(1, Math.floor(SIGN_BATCH / DATASTREAMS));
  const rows = [];
  for (let index = 0; index < perDatastream; index += minutesPerBatch) {
    for (let device = 0; device < DATASTREAMS; device += 1) {
      for (let minute = index; minute < Math.min(perDatastream, index + minutesPerBatch); minute += 1) {
        if (device * perDatastream + minute < COUNT) {
          rows.push(makeRow(device, minute));
        }
      }
    }
    if (rows.length >= WRITE_BATCH || index + minutesPerBatch >= perDatastream) {
      await sign(signer, signatures, rows.splice(0));
    }
  }
  log(`signed ${COUNT} observations in batches across all datastreams`);
}

async function sign(signer, signatures, rows) {
  for (let start = 0; start < rows.length; start += SIGN_BATCH) {
    const events = rows.slice(start, start + SIGN_BATCH).map((row) =>
      createObservation({ ...row, thingId: 'site', deviceId: row.datastreamId.split('.')[0], observedProperty: 'power', unit: 'kW', result: toResultCase(row.result), classification: 'public' }),
    );
    const { batch, leafHashes } = await signer.sign(events);
    events.forEach((event, leafIndex) => (event.signatureRef = signatureRef({ batchId: batch.batchId, leafIndex })));
    await signatures.saveBatch(decodeSignatureBatchEvent(encodeSignatureBatchEvent('bench', batch, leafHashes)));
    await signatures.saveObservations(events.map((event) => signedObservationOf(event)));
  }
}

/** Runs a command of the platform CLI and samples the child's VmHWM until it exits. */
async function runCli(args) {
  const cli = join(root, 'services', 'platform', 'dist', 'main.js');
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, LANG: 'en_US.UTF-8' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  let peakKiB = 0;
  const sample = () => {
    try {
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]));
    } catch {
      // The child exited between two samples, so the last sample is the peak.
    }
  };
  const timer = setInterval(sample, 100);
  const startedAt = performance.now();
  const code = await new Promise((resolveExit) => child.on('exit', resolveExit));
  const seconds = (performance.now() - startedAt) / 1000;
  clearInterval(timer);
  if (code !== 0) {
    throw new Error(`${args[0]} exited with ${code}: ${output}`);
  }

  return { seconds, peakMiB: peakKiB / 1024, output: output.trim() };
}

async function folderBytes(dir) {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      bytes += statSync(join(entry.parentPath, entry.name)).size;
    }
  }

  return bytes;
}

try {
  const generationStarted = performance.now();
  await applyCatalog();
  await generate();
  const generationSeconds = (performance.now() - generationStarted) / 1000;
  log(`data folder ready in ${generationSeconds.toFixed(1)} s: ${dataDir}`);

  const { seconds, peakMiB, output } = await runCli(['export', '--tenant', 'bench', '--out', outDir, '--data-dir', dataDir]);
  const exportMiB = (await folderBytes(outDir)) / 1024 / 1024;
  const rate = Math.round(COUNT / seconds).toLocaleString('en-US');
  process.stdout.write(
    `Node.js ${process.version}, ${cpus().length} cores (${cpus()[0].model}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM\n` +
      `${COUNT.toLocaleString('en-US')} observations in ${DATASTREAMS} datastreams, ${args.signed ? `signed${args.interleaved ? ', batches across datastreams' : ''}` : 'unsigned'}\n` +
      `| export time | observations/s | peak RSS | export size |\n|---|---|---|---|\n` +
      `| ${seconds.toFixed(1)} s | ${rate} | ${peakMiB.toFixed(0)} MiB | ${exportMiB.toFixed(0)} MiB |\n` +
      `${output}\n`,
  );
  if (args.import) {
    const imported = await runCli(['import', outDir, '--data-dir', importDir]);
    const importRate = Math.round(COUNT / imported.seconds).toLocaleString('en-US');
    process.stdout.write(
      `| import time | observations/s | peak RSS |\n|---|---|---|\n` +
        `| ${imported.seconds.toFixed(1)} s | ${importRate} | ${imported.peakMiB.toFixed(0)} MiB |\n` +
        `${imported.output}\n`,
    );
  }
} finally {
  if (!args.keep) {
    rmSync(work, { recursive: true, force: true });
  }
}
