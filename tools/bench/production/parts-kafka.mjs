// Kafka alone, through the event log adapter (KafkaEventLog) on the compiled output:
//   producer:   append() calls of one encoded RawMessage each, as the ingest gateway makes them,
//               with `inFlight` calls outstanding at any time; every append waits for acks=all;
//   sequential: the same calls one after another, as one connection of the gateway's shared
//               subscription makes them, because it hands the gateway one message at a time;
//   consumer:   subscribe() of a new group on the producer's topic with a handler that does nothing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { KafkaEventLog } = require('../../../libs/event-log/dist/index.js');
const { createRawMessage, encodeRawMessage, newMessageId } = require('../../../libs/contracts/dist/index.js');

const CONSUME_TIMEOUT_MS = 300_000;

/** Records as the gateway appends them: key = device id, value = an encoded RawMessage with a JSON reading. */
function makeRecords(tenant, devices, count, timeBaseMs) {
  return Array.from({ length: count }, (_, i) => {
    const deviceId = `bench-${i % devices}`;
    const payload = JSON.stringify({
      time: timeBaseMs + Math.floor(i / devices) * 1000,
      temperature: 15 + (i % 200) / 10,
    });
    const raw = createRawMessage({
      id: newMessageId(),
      tenant,
      sourceProtocol: 'mqtt',
      topic: `stadtdaten/${tenant}/${deviceId}/up`,
      clientId: '',
      certificateSubject: '',
      receivedAtMs: Date.now(),
      contentType: '',
      format: '',
      deviceId,
      payload: Buffer.from(payload),
      traceParent: '',
    });

    return { key: deviceId, value: encodeRawMessage(raw) };
  });
}

function rate(count, startedNs, endedNs = process.hrtime.bigint()) {
  const seconds = Number(endedNs - startedNs) / 1e9;

  return {
    records: count,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSecond: Math.round(count / seconds),
  };
}

async function appendConcurrently(log, topic, records, inFlight) {
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const record = records[next];
      next += 1;
      await log.append(topic, [record]);
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, worker));

  return { inFlight, ...rate(records.length, started) };
}

async function appendSequentially(log, topic, records, maxSeconds) {
  const started = process.hrtime.bigint();
  const deadlineMs = Date.now() + maxSeconds * 1000;
  let count = 0;
  while (count < records.length && Date.now() < deadlineMs) {
    await log.append(topic, [records[count]]);
    count += 1;
  }
  const result = rate(count, started);

  return { ...result, meanMs: Number(((result.seconds * 1000) / count).toFixed(2)) };
}

/**
 * Reads `count` records in a new group. The rate counts the records after the first handler
 * call, from that call to the last, so the time of the group join is reported apart.
 */
async function consumeAll(log, groupId, topic, count, batchSize) {
  const subscribedNs = process.hrtime.bigint();
  let firstNs;
  let firstBatch = 0;
  let received = 0;
  let subscription;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`consumer read ${received} of ${count} records within ${CONSUME_TIMEOUT_MS} ms`)),
      CONSUME_TIMEOUT_MS,
    );
    log
      .subscribe({
        groupId,
        topics: [topic],
        maxBatchSize: batchSize,
        fromBeginning: true,
        handler: async (batch) => {
          if (firstNs === undefined) {
            firstNs = process.hrtime.bigint();
            firstBatch = batch.length;
          }
          received += batch.length;
          if (received >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .then(
        (created) => (subscription = created),
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
  const endedNs = process.hrtime.bigint();
  await subscription?.stop();
  // With everything in the first handler call there is no interval to measure after it.
  const measured =
    received > firstBatch
      ? rate(received - firstBatch, firstNs, endedNs)
      : rate(received, subscribedNs, endedNs);

  return {
    ...measured,
    joinSeconds: Number((Number(firstNs - subscribedNs) / 1e9).toFixed(2)),
    maxBatchSize: batchSize,
  };
}

/** Runs the three Kafka measurements on topics named `bench.<tenant>.*`, which the caller deletes. */
export async function measureKafka({
  brokers,
  tenant,
  devices,
  records,
  inFlight,
  sequentialSeconds,
  logger,
}) {
  const log = new KafkaEventLog({ brokers, clientId: `${tenant}-parts`, partitions: 3, logger });
  const producerTopic = `bench.${tenant}.producer`;
  const sequentialTopic = `bench.${tenant}.sequential`;
  const batch = makeRecords(tenant, devices, records, Date.now() - 86_400_000);
  await log.connect();
  try {
    await log.ensureTopics([producerTopic, sequentialTopic]);
    const producer = await appendConcurrently(log, producerTopic, batch, inFlight);
    const sequential = await appendSequentially(log, sequentialTopic, batch, sequentialSeconds);
    const consumer = await consumeAll(log, `bench.${tenant}.reader`, producerTopic, records, 5000);

    return { producer, sequential, consumer };
  } finally {
    await log.close();
  }
}

export const kafkaPartsGroups = (tenant) => [`bench.${tenant}.reader`];
