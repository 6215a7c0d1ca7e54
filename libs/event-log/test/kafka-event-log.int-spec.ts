import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ErrorCode } from '@stadtdaten/contracts';
import {
  type ConsumedRecord,
  KafkaEventLog,
  type KafkaEventLogOptions,
  type LogRecord,
} from '@stadtdaten/event-log';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';

import { runEventLogContract } from './event-log.contract';
import { deferred, waitFor } from './wait-for';

const brokersSetting = process.env.STADTDATEN_KAFKA_BROKERS;
const brokers = brokersSetting?.split(',').map((broker) => broker.trim()) ?? [];
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const run = randomBytes(4).toString('hex');

/** TLS and SASL as the dev services' environment sets them (the dev services' super user). */
const caFile = process.env.STADTDATEN_KAFKA_SSL_CA_FILE;
const ssl = caFile ? { ca: [readFileSync(caFile)] } : undefined;
const saslUsername = process.env.STADTDATEN_KAFKA_SASL_USERNAME;

/** Returns new SASL options per client, because kafkajs stores its authenticator on the object it gets. */
function saslOptions(password = process.env.STADTDATEN_KAFKA_SASL_PASSWORD ?? '') {
  return saslUsername ? { mechanism: 'scram-sha-512' as const, username: saslUsername, password } : undefined;
}

/** Short group timings, so that joins, rebalances and topic refreshes fit into test time. */
const FAST_GROUP_OPTIONS = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 200,
  topicRefreshIntervalMs: 1_000,
  closeTimeoutMs: 10_000,
} satisfies Partial<KafkaEventLogOptions>;

function makeOptions(overrides: Partial<KafkaEventLogOptions> = {}): KafkaEventLogOptions {
  return {
    brokers,
    clientId: `event-log-test-${run}`,
    ssl,
    sasl: saslOptions(),
    logger,
    ...FAST_GROUP_OPTIONS,
    ...overrides,
  };
}

/** Deletes the topics and consumer groups whose names match `pattern`. */
async function deleteMatching(admin: Admin, pattern: RegExp): Promise<void> {
  const topics = (await admin.listTopics()).filter((topic) => pattern.test(topic));
  if (topics.length > 0) await admin.deleteTopics({ topics });

  const { groups } = await admin.listGroups();
  const groupIds = groups.map(({ groupId }) => groupId).filter((groupId) => pattern.test(groupId));
  if (groupIds.length > 0) await admin.deleteGroups(groupIds);
}

async function withAdmin<T>(body: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    brokers,
    clientId: `event-log-test-admin-${run}`,
    ssl,
    sasl: saslOptions(),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

const describeWithKafka = brokersSetting
  ? describe
  : (name: string, body: () => void) =>
      describe.skip(
        `${name}: STADTDATEN_KAFKA_BROKERS is unset; npm test sets it after starting the dev services`,
        body,
      );

describeWithKafka(KafkaEventLog.name, () => {
  // The contract expects one ordered sequence per topic, which Kafka keeps per partition, so
  // its topics get one partition. The cases below cover several partitions.
  runEventLogContract(
    KafkaEventLog.name,
    async () => {
      const log = new KafkaEventLog(makeOptions({ partitions: 1 }));
      await log.connect();

      return log;
    },
    () => withAdmin((admin) => deleteMatching(admin, new RegExp(`^contract\\.[a-z-]+\\.${process.pid}\\.`))),
  );

  describe('Kafka', () => {
    const opened: KafkaEventLog[] = [];
    let admin: Admin;
    let nameCounter = 0;
    const kafka = new Kafka({
      brokers,
      clientId: `event-log-test-admin-${run}`,
      ssl,
      sasl: saslOptions(),
      logLevel: logLevel.NOTHING,
    });

    function uniqueName(prefix: string): string {
      nameCounter += 1;

      return `kafka-test.${run}.${prefix}.${nameCounter}`;
    }

    async function open(overrides: Partial<KafkaEventLogOptions> = {}): Promise<KafkaEventLog> {
      const log = new KafkaEventLog(makeOptions(overrides));
      opened.push(log);
      await log.connect();

      return log;
    }

    function makeRecords(count: number, keyOf: (index: number) => string): LogRecord[] {
      return Array.from({ length: count }, (_, index) => ({
        key: keyOf(index),
        value: Buffer.from(`value-${index}`),
      }));
    }

    function collect(into: ConsumedRecord[]) {
      return async (batch: ConsumedRecord[]): Promise<void> => {
        into.push(...batch);
      };
    }

    async function partitionCount(topic: string): Promise<number> {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });

      return topics[0].partitions.length;
    }

    async function waitForStableGroup(groupId: string, members: number): Promise<void> {
      await waitFor(
        async () => {
          const { groups } = await admin.describeGroups([groupId]);

          return groups[0]?.state === 'Stable' && groups[0].members.length === members;
        },
        20_000,
        `group ${groupId} to be stable with ${members} members`,
      );
    }

    function positionOf(record: ConsumedRecord): string {
      return `${record.partition}:${record.offset}`;
    }

    beforeAll(async () => {
      admin = kafka.admin();
      await admin.connect();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    afterAll(async () => {
      await deleteMatching(admin, new RegExp(`^kafka-test\\.${run}\\.`));
      await admin.disconnect();
    });

    it('rejects an invalid option', () => {
      expect(() => new KafkaEventLog(makeOptions({ partitions: 0 }))).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_CONFIG,
          message: expect.stringContaining('partitions=0'),
        }),
      );
      expect(() => new KafkaEventLog(makeOptions({ brokers: ['localhost'] }))).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_CONFIG,
          message: expect.stringContaining('host:port'),
        }),
      );
    });

    // Without SASL or TLS settings the broker takes any client, so these cases have nothing to check.
    const itWithSasl = saslUsername === undefined ? it.skip : it;
    const itWithTls = ssl === undefined ? it.skip : it;

    itWithSasl('rejects wrong SASL credentials', async () => {
      const log = new KafkaEventLog(makeOptions({ sasl: saslOptions('wrong-password') }));

      await expect(log.connect()).rejects.toMatchObject({
        code: ErrorCode.INVALID_CONFIG,
        message: expect.stringContaining(`rejected the SASL credentials of user "${saslUsername}"`),
      });
    });

    itWithTls('fails without TLS on a TLS listener', async () => {
      const log = new KafkaEventLog(makeOptions({ ssl: undefined, sendRetries: 1 }));

      await expect(log.connect()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    });

    it('creates topics with the configured partitions', async () => {
      const log = await open({ partitions: 3 });
      const ensured = uniqueName('ensured');
      const overridden = uniqueName('overridden');
      const appended = uniqueName('appended');

      await log.ensureTopics([ensured]);
      await log.ensureTopics([overridden], { partitions: 2 });
      await log.append(
        appended,
        makeRecords(1, () => 'k'),
      );
      await log.ensureTopics([ensured], { partitions: 5 });

      expect(await partitionCount(ensured)).toBe(3);
      expect(await partitionCount(overridden)).toBe(2);
      expect(await partitionCount(appended)).toBe(3);
    });

    it('keeps each key on one partition in order', async () => {
      const log = await open({ partitions: 3 });
      const topic = uniqueName('keys');
      const keys = Array.from({ length: 12 }, (_, index) => `device-${index}`);
      for (let round = 0; round < 5; round += 1) {
        await log.append(
          topic,
          makeRecords(keys.length * 2, (index) => keys[index % keys.length]),
        );
      }

      const received: ConsumedRecord[] = [];
      await log.subscribe({ groupId: uniqueName('group'), topics: [topic], handler: collect(received) });
      await waitFor(() => received.length >= 120, 20_000, '120 records');

      const partitionsOfKey = new Map<string, Set<number>>();
      const valuesOfKey = new Map<string, string[]>();
      for (const record of received) {
        partitionsOfKey.set(record.key, (partitionsOfKey.get(record.key) ?? new Set()).add(record.partition));
        valuesOfKey.set(record.key, [
          ...(valuesOfKey.get(record.key) ?? []),
          Buffer.from(record.value).toString(),
        ]);
      }
      const expectedValues = (key: string) =>
        Array.from({ length: 5 }, () => [keys.indexOf(key), keys.indexOf(key) + keys.length])
          .flat()
          .map((index) => `value-${index}`);

      expect(received).toHaveLength(120);
      expect([...partitionsOfKey.values()].map((partitions) => partitions.size)).toEqual(keys.map(() => 1));
      expect(new Set(received.map((record) => record.partition)).size).toBeGreaterThan(1);
      for (const key of keys) expect(valuesOfKey.get(key)).toEqual(expectedValues(key));
    });

    it('sends concurrent appends in call order', async () => {
      const log = await open({ partitions: 1 });
      const topic = uniqueName('concurrent');
      await log.ensureTopics([topic]);

      await Promise.all(makeRecords(500, () => 'same-key').map((record) => log.append(topic, [record])));

      const received: ConsumedRecord[] = [];
      await log.subscribe({ groupId: uniqueName('group'), topics: [topic], handler: collect(received) });
      await waitFor(() => received.length >= 500, 20_000, '500 records');

      expect(received.map((record) => Buffer.from(record.value).toString())).toEqual(
        Array.from({ length: 500 }, (_, index) => `value-${index}`),
      );
    });

    it('splits an append above the request size', async () => {
      const log = await open({ partitions: 1 });
      const topic = uniqueName('large');
      // 3,000 records of 1 KiB are about 3 MiB, three times the broker's default message.max.bytes.
      const records = Array.from({ length: 3_000 }, (_, index) => ({
        key: 'large',
        value: Buffer.alloc(1_024, index % 251),
      }));

      await log.append(topic, records);

      const received: ConsumedRecord[] = [];
      await log.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        handler: collect(received),
        maxBatchSize: 1_000,
      });
      await waitFor(() => received.length >= 3_000, 30_000, '3,000 records');

      expect(received).toHaveLength(3_000);
      expect(received.map((record) => record.value[0])).toEqual(records.map((record) => record.value[0]));
    });

    it('keeps the start offset of fromBeginning false', async () => {
      const log = await open({ partitions: 3 });
      const topic = uniqueName('start');
      const groupId = uniqueName('group');
      await log.append(
        topic,
        makeRecords(30, (index) => `old-${index}`),
      );

      const first: ConsumedRecord[] = [];
      const subscription = await log.subscribe({
        groupId,
        topics: [topic],
        handler: collect(first),
        fromBeginning: false,
      });
      expect(await subscription.lag()).toBe(0);
      await subscription.stop();

      await log.append(
        topic,
        makeRecords(6, (index) => `new-${index}`),
      );
      const second: ConsumedRecord[] = [];
      await log.subscribe({ groupId, topics: [topic], handler: collect(second) });
      await waitFor(() => second.length >= 6, 20_000, 'six new records');

      expect(first).toEqual([]);
      expect(second.map((record) => record.key).sort()).toEqual([
        'new-0',
        'new-1',
        'new-2',
        'new-3',
        'new-4',
        'new-5',
      ]);
    });

    it('keeps partitions during a long handler call', async () => {
      const log = await open({ partitions: 1 });
      const topic = uniqueName('long-handler');
      await log.append(
        topic,
        makeRecords(3, (index) => `k${index}`),
      );

      const calls: string[][] = [];
      const subscription = await log.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        handler: async (batch) => {
          calls.push(batch.map((record) => record.offset));
          // Work that outlasts the session timeout; only heartbeats during the call keep the member.
          if (calls.length === 1) {
            await new Promise((resolve) => setTimeout(resolve, FAST_GROUP_OPTIONS.sessionTimeoutMs + 1_500));
          }
        },
      });
      await waitFor(
        async () => calls.length > 0 && (await subscription.lag()) === 0,
        30_000,
        'the long handler call to be committed',
      );

      expect(calls).toEqual([['0', '1', '2']]);
    });

    it('shares partitions between two members', async () => {
      const memberA = await open({ partitions: 3 });
      const memberB = await open({ partitions: 3 });
      const topic = uniqueName('shared');
      const groupId = uniqueName('group');
      await memberA.ensureTopics([topic]);
      const receivedA: ConsumedRecord[] = [];
      const receivedB: ConsumedRecord[] = [];
      await memberA.subscribe({ groupId, topics: [topic], handler: collect(receivedA) });
      await memberB.subscribe({ groupId, topics: [topic], handler: collect(receivedB) });
      await waitForStableGroup(groupId, 2);

      await memberA.append(
        topic,
        makeRecords(300, (index) => `device-${index}`),
      );
      await waitFor(() => receivedA.length + receivedB.length >= 300, 20_000, '300 records');

      const positions = [...receivedA, ...receivedB].map(positionOf);
      const partitionsA = new Set(receivedA.map((record) => record.partition));
      const partitionsB = new Set(receivedB.map((record) => record.partition));
      expect(new Set(positions).size).toBe(300);
      expect(positions).toHaveLength(300);
      expect(receivedA.length).toBeGreaterThan(0);
      expect(receivedB.length).toBeGreaterThan(0);
      expect([...partitionsA].filter((partition) => partitionsB.has(partition))).toEqual([]);
    });

    it('redelivers records of a closed member', async () => {
      const memberA = await open({ partitions: 2, closeTimeoutMs: 1_000 });
      const memberB = await open({ partitions: 2 });
      const topic = uniqueName('handover');
      const groupId = uniqueName('group');
      await memberA.ensureTopics([topic]);
      const stuckBatch: ConsumedRecord[] = [];
      const neverReleased = deferred();
      await memberA.subscribe({
        groupId,
        topics: [topic],
        handler: async (batch) => {
          stuckBatch.push(...batch);
          await neverReleased.promise;
        },
      });
      const receivedB: ConsumedRecord[] = [];
      await memberB.subscribe({ groupId, topics: [topic], handler: collect(receivedB) });
      await waitForStableGroup(groupId, 2);

      await memberA.append(
        topic,
        makeRecords(100, (index) => `device-${index}`),
      );
      await waitFor(() => stuckBatch.length > 0, 20_000, 'member a to get a batch');
      await memberA.close();
      await waitFor(
        () => new Set(receivedB.map(positionOf)).size >= 100,
        30_000,
        'member b to get all records',
      );

      const positionsB = new Set(receivedB.map(positionOf));
      expect(stuckBatch.map(positionOf).filter((position) => !positionsB.has(position))).toEqual([]);
      expect(positionsB.size).toBe(100);
    });
  });
});
