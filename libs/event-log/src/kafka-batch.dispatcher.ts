import type { EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';

import type { BatchHandler, ConsumedRecord } from './event-log.port';
import { partitionKey } from './kafka-topic.admin';

export const DEFAULT_MAX_BATCH_SIZE = 500;
const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 5_000;

/** Offsets of a handler call that failed and is delivered again. */
interface FailedCall {
  firstOffset: string;
  lastOffset: string;
  attempts: number;
}

type HandlerOutcome = { kind: 'resolved' } | { kind: 'rejected'; error: unknown } | { kind: 'abandoned' };

export interface DispatcherSettings {
  handler: BatchHandler;
  maxBatchSize: number;
  heartbeatIntervalMs: number;
  logger: Logger;
}

/**
 * The `eachBatch` callback of a subscription's consumers. It splits each fetched batch (one topic
 * partition) into handler calls of at most `maxBatchSize` records in offset order, and commits
 * after each call that resolves. After a rejection it commits nothing, pauses the partition for
 * an exponential backoff (100 ms doubling up to 5 s) and returns, so kafkajs fetches the
 * partition again from the first record of the failed call. The next call then ends at the same
 * offset as the failed one, so the handler gets the same records again.
 */
export class KafkaBatchDispatcher {
  private readonly failedCalls = new Map<string, FailedCall>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private abandoned = false;
  private endAbandonWait: (() => void) | undefined;
  private readonly abandonSignal = new Promise<HandlerOutcome>((resolve) => {
    this.endAbandonWait = () => resolve({ kind: 'abandoned' });
  });

  constructor(private readonly settings: DispatcherSettings) {}

  readonly dispatch = async (payload: EachBatchPayload): Promise<void> => {
    const { messages } = payload.batch;
    const heartbeat = new HandlerHeartbeat(payload, this.settings.heartbeatIntervalMs, this.settings.logger);
    try {
      let index = 0;
      while (index < messages.length && !this.mustYield(payload, heartbeat)) {
        const chunk = this.nextChunk(payload.batch.topic, payload.batch.partition, messages, index);
        if (!(await this.deliver(payload, chunk))) return;

        index += chunk.length;
      }
    } finally {
      heartbeat.stop();
    }
  };

  /**
   * Lets a running handler call go: the dispatcher returns without committing, so the consumer can
   * leave its group and another member gets the records. Used when close() timed out.
   */
  abandon(): void {
    this.abandoned = true;
    this.endAbandonWait?.();
    this.resumeTimers.forEach((timer) => clearTimeout(timer));
    this.resumeTimers.clear();
  }

  /** Cancels the pending resumes of paused partitions, whose consumer is stopping. */
  dispose(): void {
    this.resumeTimers.forEach((timer) => clearTimeout(timer));
    this.resumeTimers.clear();
  }

  /** Stops before the next call when the consumer stops, seeks or has to rejoin its group. */
  private mustYield(payload: EachBatchPayload, heartbeat: HandlerHeartbeat): boolean {
    return this.abandoned || !payload.isRunning() || payload.isStale() || heartbeat.rebalancing;
  }

  private nextChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    index: number,
  ): KafkaMessage[] {
    let end = Math.min(messages.length, index + this.settings.maxBatchSize);
    const key = partitionKey(topic, partition);
    const failed = this.failedCalls.get(key);
    if (failed !== undefined && messages[index].offset !== failed.firstOffset) {
      // Another member or an earlier generation moved past the failed call.
      this.failedCalls.delete(key);
    } else if (failed !== undefined) {
      const lastIndex = messages.findIndex((message) => message.offset === failed.lastOffset);
      if (lastIndex >= index) end = Math.min(end, lastIndex + 1);
    }

    return messages.slice(index, end);
  }

  /** Calls the handler and commits. Returns false when the rest of the batch must wait. */
  private async deliver(payload: EachBatchPayload, chunk: KafkaMessage[]): Promise<boolean> {
    const { topic, partition } = payload.batch;
    const records = chunk.map((message) => toConsumedRecord(topic, partition, message));
    const outcome = await this.callHandler(records);
    if (outcome.kind === 'abandoned') return false;
    if (outcome.kind === 'rejected') {
      this.scheduleRetry(payload, chunk, outcome.error);

      return false;
    }

    const lastOffset = chunk[chunk.length - 1].offset;
    const nextOffset = (BigInt(lastOffset) + 1n).toString();
    try {
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
      });
    } catch (error) {
      // Nothing is resolved, so kafkajs fetches these records again, here or at the partition's next owner.
      this.settings.logger.warn(
        { err: error, topic, partition, nextOffset },
        'event log commit failed; batch will be delivered again',
      );

      return false;
    }

    payload.resolveOffset(lastOffset);
    this.failedCalls.delete(partitionKey(topic, partition));

    return true;
  }

  private callHandler(records: ConsumedRecord[]): Promise<HandlerOutcome> {
    const called = Promise.resolve()
      .then(() => this.settings.handler(records))
      .then(
        (): HandlerOutcome => ({ kind: 'resolved' }),
        (error: unknown): HandlerOutcome => ({ kind: 'rejected', error }),
      );

    return Promise.race([called, this.abandonSignal]);
  }

  private scheduleRetry(payload: EachBatchPayload, chunk: KafkaMessage[], error: unknown): void {
    const { topic, partition } = payload.batch;
    const key = partitionKey(topic, partition);
    const firstOffset = chunk[0].offset;
    const previous = this.failedCalls.get(key);
    const failed: FailedCall =
      previous?.firstOffset === firstOffset
        ? previous
        : { firstOffset, lastOffset: chunk[chunk.length - 1].offset, attempts: 0 };
    failed.attempts += 1;
    this.failedCalls.set(key, failed);

    const retryInMs = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (failed.attempts - 1));
    if (shouldLogAttempt(failed.attempts)) {
      this.settings.logger.warn(
        { err: error, topic, partition, ...failed, retryInMs },
        'event log handler failed; batch will be delivered again',
      );
    }
    // A stopping consumer fetches nothing more, and the next owner starts at the committed offset.
    if (this.abandoned || !payload.isRunning()) return;

    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, retryInMs);
    timer.unref();
    this.resumeTimers.add(timer);
  }
}

/**
 * Sends heartbeats while a handler runs, so a handler that takes longer than the session timeout
 * keeps its partitions. It records a rebalance, after which the dispatcher commits the running
 * call and returns, so the consumer can rejoin before the rebalance timeout.
 */
class HandlerHeartbeat {
  rebalancing = false;
  private readonly timer: NodeJS.Timeout;

  constructor(payload: EachBatchPayload, intervalMs: number, logger: Logger) {
    this.timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        if (isRebalanceError(error)) {
          this.rebalancing = true;
        } else {
          logger.debug({ err: error }, 'event log heartbeat failed');
        }
      });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Checks for the error types with which kafkajs signals that a member must rejoin its group. */
function isRebalanceError(error: unknown): boolean {
  const type = (error as { type?: unknown } | undefined)?.type;

  return (
    type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'NOT_COORDINATOR_FOR_GROUP'
  );
}

function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: headerStrings(message.headers),
    timestampMs: Number(message.timestamp),
  };
}

/** Converts header values to UTF-8 strings. Of a header name that occurs more than once, the last value wins. */
function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) result[name] = last.toString();
  }

  return result;
}

/** Logs the first three attempts and every tenth after them. */
function shouldLogAttempt(attempt: number): boolean {
  return attempt <= 3 || attempt % 10 === 0;
}
