import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Message, Producer, TopicMessages } from 'kafkajs';

import type { LogRecord } from './event-log.port';
import { errorMessage, isRetriableKafkaError } from './kafka-topic.admin';

/**
 * Upper bound of the estimated bytes of one produce request. The broker rejects a record batch
 * above `message.max.bytes` (1,048,588 bytes by default in Kafka 4), and a request contains at
 * most one batch per partition, so staying below that keeps every batch within the limit.
 */
export const MAX_REQUEST_BYTES = 900_000;
/** Estimated framing of one record in a record batch: lengths, offsets and attributes. */
const RECORD_OVERHEAD_BYTES = 32;

interface QueuedAppend {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Merges the appends that arrive while a send is in flight into one produce request. kafkajs
 * serializes the requests of an idempotent producer per broker anyway, so sending one request at a
 * time costs no parallelism, and concurrent appends of single records share a round trip. Appends leave in
 * the order of the append() calls. Each promise settles once the broker acknowledged (acks=all)
 * or the send failed.
 */
export class KafkaWriteBatcher {
  private queue: QueuedAppend[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxRequestBytes = MAX_REQUEST_BYTES,
  ) {}

  append(topic: string, records: LogRecord[], nowMs = Date.now()): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new AppError(ErrorCode.UNAVAILABLE, 'event log is closed; appends are rejected after close()'),
      );
    }

    const messages = records.map((record) => toMessage(record, nowMs));
    const bytes = messages.reduce((sum, message) => sum + messageBytes(message), 0);

    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, messages, bytes, resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  /** Rejects further appends and resolves once the queued ones are sent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Appends issued in the same turn of the event loop share the first request.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const appends = this.takeRequest();
      try {
        await this.send(appends);
        appends.forEach((append) => append.resolve());
      } catch (error) {
        appends.forEach((append) => append.reject(sendError(append.topic, append.messages.length, error)));
      }
    }
  }

  /** Takes queued appends up to the size of one request. An append above that size goes alone. */
  private takeRequest(): QueuedAppend[] {
    let bytes = 0;
    let count = 0;
    while (
      count < this.queue.length &&
      (count === 0 || bytes + this.queue[count].bytes <= this.maxRequestBytes)
    ) {
      bytes += this.queue[count].bytes;
      count += 1;
    }

    return this.queue.splice(0, count);
  }

  private async send(appends: QueuedAppend[]): Promise<void> {
    if (appends.length === 1 && appends[0].bytes > this.maxRequestBytes) {
      // One request per part, in order. The first failure rejects the append and skips the rest.
      for (const part of splitBySize(appends[0].messages, this.maxRequestBytes)) {
        await this.producer.send({ topic: appends[0].topic, messages: part, acks: -1 });
      }

      return;
    }

    const byTopic = new Map<string, Message[]>();
    for (const { topic, messages } of appends) {
      const list = byTopic.get(topic);
      if (list === undefined) {
        byTopic.set(topic, [...messages]);
      } else {
        list.push(...messages);
      }
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }
}

function toMessage(record: LogRecord, nowMs: number): Message {
  const { value } = record;

  return {
    key: record.key,
    value: Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    headers: record.headers,
    timestamp: String(record.timestampMs ?? nowMs),
  };
}

function splitBySize(messages: Message[], maxBytes: number): Message[][] {
  const parts: Message[][] = [];
  let part: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (part.length > 0 && bytes + size > maxBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(message);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);

  return parts;
}

function messageBytes(message: Message): number {
  let bytes =
    RECORD_OVERHEAD_BYTES + Buffer.byteLength(String(message.key ?? '')) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(String(value)) + 2;
  }

  return bytes;
}

function sendError(topic: string, count: number, error: unknown): AppError {
  if (error instanceof AppError) return error;

  const retriable = isRetriableKafkaError(error);
  const fix = retriable
    ? 'retry the append once the brokers are reachable'
    : 'the broker rejected the request, so check the records against the topic (for example its message.max.bytes)';

  return new AppError(
    ErrorCode.UNAVAILABLE,
    `append of ${count} records to Kafka topic ${topic} failed: ${errorMessage(error)}; ${fix}`,
    { cause: error, retriable, details: { topic } },
  );
}
