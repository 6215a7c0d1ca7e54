import { AppError, ErrorCode } from '@stadtdaten/contracts';

import type { LogRecord, SubscribeOptions } from './event-log.port';

/** Kafka's rule for topic names, kept by every adapter so that a name works on both. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function validateTopicName(topic: unknown): asserts topic is string {
  if (typeof topic === 'string' && TOPIC_NAME.test(topic) && topic !== '.' && topic !== '..') return;

  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `invalid topic name ${JSON.stringify(topic)}; use 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'`,
    { details: { topic } },
  );
}

export function validateRecords(topic: string, records: LogRecord[]): void {
  if (!Array.isArray(records)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `records for topic ${topic} must be an array of LogRecord`,
    );
  }

  records.forEach((record, index) => {
    const problem = recordProblem(record);
    if (problem === undefined) return;

    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid record ${index} for topic ${topic}: ${problem}`,
      {
        details: { topic, index },
      },
    );
  });
}

function recordProblem(record: LogRecord): string | undefined {
  if (typeof record?.key !== 'string') return `key must be a string, got ${typeof record?.key}`;
  if (!(record.value instanceof Uint8Array)) return 'value must be a Uint8Array (for example a Buffer)';
  if (record.timestampMs !== undefined && !Number.isSafeInteger(record.timestampMs)) {
    return `timestampMs must be an integer of epoch milliseconds, got ${record.timestampMs}`;
  }

  const headers = record.headers ?? {};
  const badHeader = Object.entries(headers).find(([, value]) => typeof value !== 'string');

  return badHeader === undefined ? undefined : `header ${badHeader[0]} must have a string value`;
}

export function validateSubscribeOptions(options: SubscribeOptions): void {
  if (typeof options.groupId !== 'string' || options.groupId.length === 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid groupId ${JSON.stringify(options.groupId)}; pass a non-empty string`,
    );
  }
  if (Array.isArray(options.topics)) {
    options.topics.forEach((topic) => validateTopicName(topic));
  } else if (!(options.topics instanceof RegExp)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'topics must be a list of topic names or a RegExp');
  }

  const { maxBatchSize } = options;
  if (maxBatchSize !== undefined && (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid maxBatchSize ${maxBatchSize}; pass a positive integer or leave it out for the default`,
    );
  }
  if (typeof options.handler !== 'function') {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'handler must be a function that returns a promise');
  }
}
