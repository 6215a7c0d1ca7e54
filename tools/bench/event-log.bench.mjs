// Throughput of the embedded event log (SqliteEventLog) on the compiled output.
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/event-log.bench.mjs [--records 200000] [--synchronous FULL|NORMAL] [--window-ms 0]
//
// Phases, each on a fresh file in the temp folder:
//   append    half the records as concurrent append() calls of 1 record, half as calls of 500
//   consume   one group reads them all in batches of 500 (handler does nothing)
//   pipeline  appends to a raw topic while group "validator" copies each batch to a second
//             topic and group "storage-writer" reads that, so every record passes the log twice
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { SqliteEventLog } = require('../../libs/event-log/dist/index.js');
const { pino } = require('pino');

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    synchronous: { type: 'string', default: 'FULL' },
    'window-ms': { type: 'string', default: '0' },
  },
});
const totalRecords = Number(args.records);
const BATCH_SIZE = 500;
const SINGLE_APPENDS_PER_ROUND = 1_000;

function makeRecord(index) {
  // About the size of a small encoded RawMessage: a JSON reading plus metadata.
  const payload = `{"deviceId":"device-${index % 1000}","pm2_5":${(index % 97) / 3},"temperature":${index % 40},"time":"2025-01-01T00:00:00Z"}`;

  return {
    key: `device-${index % 1000}`,
    value: Buffer.from(payload.padEnd(200, ' ')),
    headers: { traceparent: `00-${index.toString(16).padStart(32, '0')}-0000000000000001-01` },
  };
}

async function openLog(dir) {
  const log = new SqliteEventLog({
    path: join(dir, 'bench.db'),
    synchronous: args.synchronous,
    groupCommitWindowMs: Number(args['window-ms']),
    logger: pino({ level: 'warn' }),
  });
  await log.connect();

  return log;
}

/** Appends `count` records the way the ingest gateway does: many single appends plus bulk ones. */
async function appendLikeGateway(log, topic, count) {
  let next = 0;
  while (next < count) {
    const calls = [];
    for (let i = 0; i < SINGLE_APPENDS_PER_ROUND && next < count; i += 1) {
      calls.push(log.append(topic, [makeRecord(next)]));
      next += 1;
    }
    for (let i = 0; i < 2 && next < count; i += 1) {
      const size = Math.min(BATCH_SIZE, count - next);
      calls.push(
        log.append(
          topic,
          Array.from({ length: size }, (_, offset) => makeRecord(next + offset)),
        ),
      );
      next += size;
    }
    await Promise.all(calls);
  }
}

function consumeAll(log, groupId, topic, count, onBatch = async () => undefined) {
  return new Promise((resolve, reject) => {
    let received = 0;
    log
      .subscribe({
        groupId,
        topics: [topic],
        maxBatchSize: BATCH_SIZE,
        handler: async (batch) => {
          await onBatch(batch);
          received += batch.length;
          if (received >= count) resolve();
        },
      })
      .catch(reject);
  });
}

function rate(count, startNs) {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;

  return { seconds: Number(seconds.toFixed(2)), recordsPerSecond: Math.round(count / seconds) };
}

async function runPhase(name, body) {
  const dir = mkdtempSync(join(tmpdir(), 'event-log-bench-'));
  const log = await openLog(dir);
  try {
    const result = await body(log);
    console.log(
      JSON.stringify({
        phase: name,
        records: totalRecords,
        synchronous: args.synchronous,
        windowMs: Number(args['window-ms']),
        ...result,
      }),
    );
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runPhase('append', async (log) => {
  const start = process.hrtime.bigint();
  await appendLikeGateway(log, 'bench.raw', totalRecords);

  return rate(totalRecords, start);
});

await runPhase('consume', async (log) => {
  await appendLikeGateway(log, 'bench.raw', totalRecords);
  const start = process.hrtime.bigint();
  await consumeAll(log, 'reader', 'bench.raw', totalRecords);

  return rate(totalRecords, start);
});

await runPhase('pipeline', async (log) => {
  const start = process.hrtime.bigint();
  const validated = consumeAll(log, 'validator', 'bench.raw', totalRecords, (batch) =>
    log.append(
      'bench.observations',
      batch.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
    ),
  );
  const stored = consumeAll(log, 'storage-writer', 'bench.observations', totalRecords);
  await appendLikeGateway(log, 'bench.raw', totalRecords);
  await validated;
  await stored;

  return rate(totalRecords, start);
});
