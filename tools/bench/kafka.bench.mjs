// Throughput of the Kafka event log (KafkaEventLog) on the compiled output, against a running broker.
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/kafka.bench.mjs [--brokers 127.0.0.1:19092] [--records 200000] [--partitions 3] [--batch 5000]
// The brokers default to STADTDATEN_KAFKA_BROKERS, else 127.0.0.1:19092.
//
// Phases, each on its own topic, which is deleted at the end:
//   append-batches: sequential append() calls of --batch records, as the validator sends a handled batch.
//   append-gateway: rounds of 1,000 concurrent append() calls of 1 record plus two calls of 500, as the
//                   ingest gateway appends. This is the load of tools/bench/event-log.bench.mjs.
//   consume:        one new group reads the records of append-batches into a handler that does nothing,
//                   in handler calls of at most --batch records. The time includes the group join.
// Records are about 200 bytes of value with a 10-character key and a traceparent header; every
// append waits for acks=all.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { KafkaEventLog } = require('../../libs/event-log/dist/index.js');
const { Kafka, logLevel } = require('kafkajs');
const { pino } = require('pino');

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.STADTDATEN_KAFKA_BROKERS ?? '127.0.0.1:19092' },
    records: { type: 'string', default: '200000' },
    partitions: { type: 'string', default: '3' },
    batch: { type: 'string', default: '5000' },
  },
});
const brokers = args.brokers.split(',').map((broker) => broker.trim());
const totalRecords = Number(args.records);
const partitions = Number(args.partitions);
const batchSize = Number(args.batch);
const SINGLE_APPENDS_PER_ROUND = 1_000;
const GATEWAY_BULK_SIZE = 500;
const run = randomBytes(4).toString('hex');

function makeRecord(index) {
  // About the size of a small encoded RawMessage: a JSON reading plus metadata.
  const payload = `{"deviceId":"device-${index % 1000}","pm2_5":${(index % 97) / 3},"temperature":${index % 40},"time":"2025-01-01T00:00:00Z"}`;

  return {
    key: `device-${index % 1000}`,
    value: Buffer.from(payload.padEnd(200, ' ')),
    headers: { traceparent: `00-${index.toString(16).padStart(32, '0')}-0000000000000001-01` },
  };
}

function makeBatch(first, count) {
  return Array.from({ length: count }, (_, offset) => makeRecord(first + offset));
}

async function appendBatches(log, topic, count) {
  for (let next = 0; next < count; next += batchSize) {
    await log.append(topic, makeBatch(next, Math.min(batchSize, count - next)));
  }
}

async function appendLikeGateway(log, topic, count) {
  let next = 0;
  while (next < count) {
    const calls = [];
    for (let i = 0; i < SINGLE_APPENDS_PER_ROUND && next < count; i += 1) {
      calls.push(log.append(topic, [makeRecord(next)]));
      next += 1;
    }
    for (let i = 0; i < 2 && next < count; i += 1) {
      const size = Math.min(GATEWAY_BULK_SIZE, count - next);
      calls.push(log.append(topic, makeBatch(next, size)));
      next += size;
    }
    await Promise.all(calls);
  }
}

function consumeAll(log, groupId, topic, count) {
  return new Promise((resolve, reject) => {
    let received = 0;
    log
      .subscribe({
        groupId,
        topics: [topic],
        maxBatchSize: batchSize,
        handler: async (batch) => {
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

function report(phase, result) {
  console.log(JSON.stringify({ phase, records: totalRecords, partitions, batch: batchSize, ...result }));
}

const log = new KafkaEventLog({
  brokers,
  clientId: `kafka-bench-${run}`,
  partitions,
  logger: pino({ level: 'warn' }),
});
const batchTopic = `bench.${run}.batches`;
const gatewayTopic = `bench.${run}.gateway`;
await log.connect();
try {
  await log.ensureTopics([batchTopic, gatewayTopic]);

  let start = process.hrtime.bigint();
  await appendBatches(log, batchTopic, totalRecords);
  report('append-batches', rate(totalRecords, start));

  start = process.hrtime.bigint();
  await appendLikeGateway(log, gatewayTopic, totalRecords);
  report('append-gateway', rate(totalRecords, start));

  start = process.hrtime.bigint();
  await consumeAll(log, `bench.${run}.reader`, batchTopic, totalRecords);
  report('consume', rate(totalRecords, start));
} finally {
  await log.close();
  const admin = new Kafka({ brokers, clientId: `kafka-bench-${run}`, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [batchTopic, gatewayTopic] });
  await admin.deleteGroups([`bench.${run}.reader`]).catch(() => undefined);
  await admin.disconnect();
}
