// Cost of storing the signed fields of observations (SignatureStore.saveObservations) on the compiled output.
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/signature-store.bench.mjs [--observations 200000] [--datastreams 1000] [--store sqlite|postgres|both]
//
// The observations come from --datastreams datastreams in turn, as the storage writer receives
// them from the validator: calls of 1,000 rows, each one signing batch. No signing happens here,
// because the store does not hash. CPU is process.cpuUsage() of this process. For PostgreSQL
// the script also sums the CPU of the server's processes from /proc (Linux only), so other
// clients of the same server add to that number. PostgreSQL needs STADTDATEN_POSTGRES_URL
// (`node tools/dev-services/dev-services.mjs env`) and uses a schema it drops afterwards.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { SqliteSignatureStore, PostgresSignatureStore, signedObservationOf } = require('../../libs/integrity/dist/index.js');
const { createObservation, observationId } = require('../../libs/contracts/dist/index.js');

const { values: args } = parseArgs({
  options: {
    observations: { type: 'string', default: '200000' },
    datastreams: { type: 'string', default: '1000' },
    store: { type: 'string', default: 'both' },
  },
});
const totalObservations = Number(args.observations);
const datastreamCount = Number(args.datastreams);
const ROWS_PER_CALL = 1_000;
const TENANT = 'bench';

function makeCalls() {
  const calls = [];
  for (let start = 0; start < totalObservations; start += ROWS_PER_CALL) {
    const batchId = `bench-batch-${start / ROWS_PER_CALL}`;
    const rows = [];
    for (let index = start; index < Math.min(start + ROWS_PER_CALL, totalObservations); index += 1) {
      const device = index % datastreamCount;
      const datastreamId = `ds-bench-${device}-temperature`;
      const phenomenonTimeMs = 1_733_310_000_000 + Math.floor(index / datastreamCount) * 60_000;
      const observation = createObservation({
        id: observationId(TENANT, datastreamId, phenomenonTimeMs),
        tenant: TENANT,
        datastreamId,
        thingId: `site-${device % 10}`,
        deviceId: `bench-${device}`,
        observedProperty: 'air_temperature',
        unit: 'Cel',
        phenomenonTimeMs,
        resultTimeMs: phenomenonTimeMs,
        receivedAtMs: phenomenonTimeMs + 350,
        result: { case: 'number', value: 15 + (index % 200) / 10 },
        signatureRef: `${batchId}:${index - start}`,
      });
      rows.push(signedObservationOf(observation));
    }
    calls.push(rows);
  }

  return calls;
}

/** Sums user and system CPU (ms) of the processes whose parent is `parentPid`, and of that process. */
function serverCpuMs(parentPid) {
  // /proc/<pid>/stat counts CPU in clock ticks, 100 per second on Linux (CLK_TCK).
  const msPerTick = 10;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === parentPid || Number(fields[1]) === parentPid) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    } catch {
      // The process ended between listing and reading.
    }
  }

  return ticks * msPerTick;
}

function postmasterPid(backendPid) {
  const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');

  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function measure(name, store, calls, serverCpu) {
  await store.connect();
  const serverBefore = serverCpu?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const rows of calls) {
    await store.saveObservations(rows);
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const serverMs = serverCpu === undefined ? undefined : serverCpu() - serverBefore;

  const probe = calls[Math.floor(calls.length / 2)][500].observationId;
  if ((await store.proofs([probe])).length !== 0) {
    throw new Error(`${name}: a proof exists although no batch was stored`);
  }

  return { name, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, serverMs };
}

function row(result, extra = '') {
  const server = result.serverMs === undefined ? '–' : `${Math.round(result.serverMs)} ms`;

  return `| ${result.name} | ${Math.round(result.cpuMs)} ms | ${server} | ${(result.wallMs / 1000).toFixed(2)} s | ${extra} |\n`;
}

const calls = makeCalls();
process.stdout.write(`${totalObservations} observations of ${datastreamCount} datastreams, ${ROWS_PER_CALL} per saveObservations call\n`);
process.stdout.write('| store | client CPU | server CPU | wall | size |\n|---|---|---|---|---|\n');

if (args.store !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-signature-store-bench-'));
  const path = join(dir, 'signatures.sqlite');
  try {
    const store = new SqliteSignatureStore({ path });
    const result = await measure('SqliteSignatureStore', store, calls);
    await store.close();
    const bytes = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
    process.stdout.write(row(result, `${(bytes / 1e6).toFixed(1)} MB`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.store !== 'sqlite') {
  const url = process.env.STADTDATEN_POSTGRES_URL;
  if (url === undefined) {
    process.stdout.write('| PostgresSignatureStore | skipped: STADTDATEN_POSTGRES_URL is unset | | | |\n');
  } else {
    const schema = `integrity_bench_${process.pid}`;
    const store = new PostgresSignatureStore({ url, schema });
    const { Pool } = require('pg');
    const admin = new Pool({ connectionString: url, max: 1 });
    try {
      const { rows } = await admin.query('SELECT pg_backend_pid() AS pid');
      const postmaster = postmasterPid(rows[0].pid);
      const result = await measure('PostgresSignatureStore', store, calls, () => serverCpuMs(postmaster));
      const size = await admin.query(
        `SELECT sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)))::bigint AS bytes FROM pg_tables WHERE schemaname = $1`,
        [schema],
      );
      process.stdout.write(row(result, `${(Number(size.rows[0].bytes) / 1e6).toFixed(1)} MB`));
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }
}
