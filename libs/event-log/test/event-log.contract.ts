import type { ConsumedRecord, EventLog, LogRecord, SubscribeOptions } from '@stadtdaten/event-log';

import { deferred, waitFor } from './wait-for';

let nameCounter = 0;

/** Returns a topic or group name unique per test, so suites can share one log (one file, one broker). */
function uniqueName(prefix: string): string {
  nameCounter += 1;

  return `contract.${prefix}.${process.pid}.${Date.now().toString(36)}.${nameCounter}`;
}

function makeRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return { key: 'device-1', value: Buffer.from('payload'), ...overrides };
}

function makeRecords(count: number, prefix = 'r'): LogRecord[] {
  return Array.from({ length: count }, (_, index) =>
    makeRecord({ key: `${prefix}${index}`, value: Buffer.from(`${prefix}-value-${index}`) }),
  );
}

/** A handler that keeps every delivered batch. */
function collector() {
  const batches: ConsumedRecord[][] = [];
  const records: ConsumedRecord[] = [];
  const handler = async (batch: ConsumedRecord[]): Promise<void> => {
    batches.push(batch);
    records.push(...batch);
  };

  return { batches, records, handler };
}

function keysOf(records: ConsumedRecord[]): string[] {
  return records.map((record) => record.key);
}

function expectIncreasingOffsets(records: ConsumedRecord[]): void {
  for (let index = 1; index < records.length; index += 1) {
    expect(BigInt(records[index].offset)).toBeGreaterThan(BigInt(records[index - 1].offset));
  }
}

/**
 * Contract of the EventLog port. `makeSut` returns a connected log, and every call must open the
 * same underlying log (file or cluster), because some cases reopen it or open it twice.
 * `cleanup` runs once after the suite. Each case uses its own topics and groups.
 */
export function runEventLogContract(
  name: string,
  makeSut: () => Promise<EventLog>,
  cleanup: () => Promise<void>,
): void {
  describe(`${name} (EventLog contract)`, () => {
    const opened: EventLog[] = [];

    async function open(): Promise<EventLog> {
      const log = await makeSut();
      opened.push(log);

      return log;
    }

    async function subscribe(
      log: EventLog,
      options: Partial<SubscribeOptions> & Pick<SubscribeOptions, 'topics' | 'handler'>,
    ) {
      return log.subscribe({ groupId: uniqueName('group'), ...options });
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    afterAll(async () => {
      await cleanup();
    });

    describe('append', () => {
      it('keeps records across close and reopen', async () => {
        const topic = uniqueName('durable');
        const first = await open();
        await first.ensureTopics([topic]);
        await first.append(topic, [
          makeRecord({
            key: 'k1',
            value: Buffer.from([0, 1, 2, 255]),
            headers: { traceparent: 't-1' },
            timestampMs: 1_700_000_000_000,
          }),
          makeRecord({ key: 'k2', value: Buffer.from('second') }),
        ]);
        await first.close();

        const reopened = await open();
        const seen = collector();
        await subscribe(reopened, { topics: [topic], handler: seen.handler });
        await waitFor(() => seen.records.length >= 2, 10_000, 'two records');

        const [one, two] = seen.records;
        expect(seen.records).toHaveLength(2);
        expect(one.topic).toBe(topic);
        expect(one.partition).toBe(0);
        expect(one.key).toBe('k1');
        expect(Buffer.from(one.value)).toEqual(Buffer.from([0, 1, 2, 255]));
        expect(one.headers).toEqual({ traceparent: 't-1' });
        expect(one.timestampMs).toBe(1_700_000_000_000);
        expect(two.key).toBe('k2');
        expect(Buffer.from(two.value).toString()).toBe('second');
        expect(two.headers).toEqual({});
        expectIncreasingOffsets(seen.records);
      });

      it('sets a missing timestamp to the append time', async () => {
        const topic = uniqueName('timestamp');
        const log = await open();
        const beforeMs = Date.now();
        await log.append(topic, [makeRecord()]);
        const afterMs = Date.now();

        const seen = collector();
        await subscribe(log, { topics: [topic], handler: seen.handler });
        await waitFor(() => seen.records.length >= 1, 10_000, 'one record');

        expect(seen.records[0].timestampMs).toBeGreaterThanOrEqual(beforeMs);
        expect(seen.records[0].timestampMs).toBeLessThanOrEqual(afterMs);
      });

      it('keeps append order', async () => {
        const topic = uniqueName('order');
        const log = await open();
        for (const record of makeRecords(30, 'single')) {
          await log.append(topic, [record]);
        }
        await log.append(topic, makeRecords(120, 'bulk'));

        const seen = collector();
        await subscribe(log, { topics: [topic], handler: seen.handler });
        await waitFor(() => seen.records.length >= 150, 10_000, '150 records');

        const expected = [...makeRecords(30, 'single'), ...makeRecords(120, 'bulk')].map(
          (record) => record.key,
        );
        expect(keysOf(seen.records)).toEqual(expected);
        expectIncreasingOffsets(seen.records);
      });
    });

    describe('subscribe', () => {
      it('limits batches to maxBatchSize', async () => {
        const topic = uniqueName('batch-size');
        const log = await open();
        await log.append(topic, makeRecords(25));

        const seen = collector();
        await subscribe(log, { topics: [topic], handler: seen.handler, maxBatchSize: 10 });
        await waitFor(() => seen.records.length >= 25, 10_000, '25 records');

        expect(seen.records).toHaveLength(25);
        expect(Math.max(...seen.batches.map((batch) => batch.length))).toBeLessThanOrEqual(10);
        expect(keysOf(seen.records)).toEqual(makeRecords(25).map((record) => record.key));
      });

      it('delivers to each group independently', async () => {
        const topic = uniqueName('groups');
        const log = await open();
        await log.append(topic, makeRecords(20));

        let failingCalls = 0;
        const failing = await subscribe(log, {
          topics: [topic],
          handler: async () => {
            failingCalls += 1;
            throw new Error('handler failed on purpose');
          },
        });
        const seen = collector();
        const healthy = await subscribe(log, { topics: [topic], handler: seen.handler });

        await waitFor(() => seen.records.length >= 20, 10_000, 'healthy group to get 20 records');
        await waitFor(() => failingCalls >= 2, 10_000, 'failing group to be called twice');
        await waitFor(async () => (await healthy.lag()) === 0, 10_000, 'healthy group lag 0');

        expect(keysOf(seen.records)).toEqual(makeRecords(20).map((record) => record.key));
        expect(await failing.lag()).toBe(20);
      });

      it('redelivers a rejected batch', async () => {
        const topic = uniqueName('redeliver');
        const log = await open();
        await log.append(topic, makeRecords(5));

        const calls: string[][] = [];
        const subscription = await subscribe(log, {
          topics: [topic],
          handler: async (batch) => {
            calls.push(batch.map((record) => record.offset));
            if (calls.length === 1) throw new Error('first call fails on purpose');
          },
        });
        await waitFor(() => calls.length >= 2, 10_000, 'second handler call');
        await waitFor(async () => (await subscription.lag()) === 0, 10_000, 'lag 0');

        expect(calls[1]).toEqual(calls[0]);
        expect(calls[0]).toHaveLength(5);
        expect(calls).toHaveLength(2);
      });

      it('resumes after the committed offset', async () => {
        const topic = uniqueName('resume');
        const groupId = uniqueName('group');
        const log = await open();
        await log.append(topic, makeRecords(5, 'old'));

        const first = collector();
        const subscription = await log.subscribe({ groupId, topics: [topic], handler: first.handler });
        await waitFor(() => first.records.length >= 5, 10_000, 'five old records');
        await subscription.stop();

        await log.append(topic, makeRecords(3, 'new'));
        const second = collector();
        await log.subscribe({ groupId, topics: [topic], handler: second.handler });
        await waitFor(() => second.records.length >= 3, 10_000, 'three new records');

        expect(keysOf(second.records)).toEqual(['new0', 'new1', 'new2']);
      });

      it('stops delivering after stop', async () => {
        const topic = uniqueName('stop');
        const log = await open();
        const stopped = collector();
        const subscription = await subscribe(log, { topics: [topic], handler: stopped.handler });
        await log.append(topic, makeRecords(2, 'before'));
        await waitFor(() => stopped.records.length >= 2, 10_000, 'two records before stop');
        await subscription.stop();

        await log.append(topic, makeRecords(2, 'after'));
        const control = collector();
        await subscribe(log, { topics: [topic], handler: control.handler });
        await waitFor(() => control.records.length >= 4, 10_000, 'control group to get four records');

        expect(keysOf(stopped.records)).toEqual(['before0', 'before1']);
      });

      it('skips old records when fromBeginning is false', async () => {
        const topic = uniqueName('latest');
        const log = await open();
        await log.append(topic, makeRecords(3, 'old'));

        const seen = collector();
        await subscribe(log, { topics: [topic], handler: seen.handler, fromBeginning: false });
        await log.append(topic, makeRecords(2, 'new'));
        await waitFor(() => seen.records.length >= 2, 10_000, 'two new records');

        expect(keysOf(seen.records)).toEqual(['new0', 'new1']);
      });

      it('picks up topics created after a pattern subscription', async () => {
        const prefix = uniqueName('pattern');
        const existing = `${prefix}.existing`;
        const created = `${prefix}.created`;
        const log = await open();
        await log.append(existing, [makeRecord({ key: 'in-existing' })]);
        await log.append(`${prefix}-other`, [makeRecord({ key: 'not-matching' })]);

        const seen = collector();
        const escaped = prefix.replace(/\./g, '\\.');
        await subscribe(log, { topics: new RegExp(`^${escaped}\\.[a-z]+$`), handler: seen.handler });
        await waitFor(() => seen.records.length >= 1, 10_000, 'record of the existing topic');
        await log.append(created, [makeRecord({ key: 'in-created' })]);
        await waitFor(() => seen.records.length >= 2, 15_000, 'record of the created topic');

        expect(keysOf(seen.records).sort()).toEqual(['in-created', 'in-existing']);
        expect(seen.records.find((record) => record.key === 'in-created')?.topic).toBe(created);
      });

      it('picks up a listed topic created after subscribe', async () => {
        const topic = uniqueName('listed-later');
        const log = await open();

        const seen = collector();
        await subscribe(log, { topics: [topic], handler: seen.handler, fromBeginning: false });
        await log.append(topic, makeRecords(2));
        await waitFor(() => seen.records.length >= 2, 15_000, 'two records');

        expect(keysOf(seen.records)).toEqual(['r0', 'r1']);
      });
    });

    describe('close', () => {
      it('commits a batch that finishes during close', async () => {
        const topic = uniqueName('close-commit');
        const groupId = uniqueName('group');
        const log = await open();
        await log.append(topic, makeRecords(2, 'old'));

        const release = deferred();
        let started = false;
        await log.subscribe({
          groupId,
          topics: [topic],
          handler: async () => {
            started = true;
            await release.promise;
          },
        });
        await waitFor(() => started, 10_000, 'handler start');
        const closed = log.close();
        release.resolve();
        await closed;

        const reopened = await open();
        await reopened.append(topic, [makeRecord({ key: 'marker' })]);
        const seen = collector();
        await reopened.subscribe({ groupId, topics: [topic], handler: seen.handler });
        await waitFor(() => seen.records.length >= 1, 10_000, 'marker record');

        expect(keysOf(seen.records)).toEqual(['marker']);
      });

      it('redelivers a batch that fails during close', async () => {
        const topic = uniqueName('close-reject');
        const groupId = uniqueName('group');
        const log = await open();
        await log.append(topic, makeRecords(2, 'old'));

        const release = deferred();
        let started = false;
        await log.subscribe({
          groupId,
          topics: [topic],
          handler: async () => {
            started = true;
            await release.promise;
          },
        });
        await waitFor(() => started, 10_000, 'handler start');
        const closed = log.close();
        release.reject(new Error('handler failed during close'));
        await closed;

        const reopened = await open();
        const seen = collector();
        await reopened.subscribe({ groupId, topics: [topic], handler: seen.handler });
        await waitFor(() => seen.records.length >= 2, 10_000, 'redelivered records');

        expect(keysOf(seen.records)).toEqual(['old0', 'old1']);
      });

      it('reports unhealthy after close', async () => {
        const log = await open();
        expect(await log.isHealthy()).toBe(true);

        await log.close();

        expect(await log.isHealthy()).toBe(false);
      });
    });

    describe('consumer group', () => {
      it('never hands a topic to two members at once', async () => {
        const topic = uniqueName('members');
        const groupId = uniqueName('group');
        const total = 1_000;
        const memberA = await open();
        const memberB = await open();
        await memberA.append(topic, makeRecords(total));

        let inFlight = 0;
        let maxInFlight = 0;
        const deliveries = new Map<string, number>();
        const deliveredBy = { a: 0, b: 0 };
        const resumeA = deferred();
        let pausedA = false;
        const handlerFor = (member: 'a' | 'b') => async (batch: ConsumedRecord[]) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          if (member === 'a' && deliveredBy.a >= total / 2) {
            pausedA = true;
            await resumeA.promise;
          }
          // Simulated work keeps the batch open long enough for the other member to interfere.
          await new Promise((resolve) => setTimeout(resolve, 2));
          batch.forEach((record) => deliveries.set(record.offset, (deliveries.get(record.offset) ?? 0) + 1));
          deliveredBy[member] += batch.length;
          inFlight -= 1;
        };

        const subscriptionA = await memberA.subscribe({
          groupId,
          topics: [topic],
          handler: handlerFor('a'),
          maxBatchSize: 20,
        });
        await waitFor(() => deliveries.size > 0, 10_000, 'first batch of member a');
        await memberB.subscribe({ groupId, topics: [topic], handler: handlerFor('b'), maxBatchSize: 20 });
        await waitFor(() => pausedA, 15_000, 'member a to pause in a handler call');
        const stoppedA = subscriptionA.stop();
        resumeA.resolve();
        await stoppedA;
        await waitFor(() => deliveries.size >= total, 30_000, 'all records');

        expect(deliveries.size).toBe(total);
        expect(maxInFlight).toBe(1);
        expect(deliveredBy.a).toBeGreaterThan(0);
        expect(deliveredBy.b).toBeGreaterThan(0);
        expect([...deliveries.values()].filter((count) => count > 1)).toEqual([]);
      });
    });
  });
}
