import { type RejectionCode, RejectionError } from '@stadtdaten/contracts';
import type { SourceDecodeResult, SourceFeature, SourceRecord } from '../source-decoder.interface';

const MAX_VALUE_TEXT_LENGTH = 200;

/**
 * Collects the features, records, problems and missing count of one decode call. Problems
 * carry `details: { position, value }`, and their message starts with the position.
 */
export class SourceResultCollector {
  private readonly features: SourceFeature[] = [];
  private readonly featureKeys = new Set<string>();
  private readonly records: SourceRecord[] = [];
  private readonly problems: RejectionError[] = [];
  private missing = 0;
  private deferred = 0;

  /** Adds `feature` unless a feature with its key was added before; returns whether it was added. */
  addFeature(feature: SourceFeature): boolean {
    if (this.featureKeys.has(feature.key)) {
      return false;
    }
    this.featureKeys.add(feature.key);
    this.features.push(feature);

    return true;
  }

  hasFeature(key: string): boolean {
    return this.featureKeys.has(key);
  }

  addRecord(record: SourceRecord): void {
    this.records.push(record);
  }

  /** Counts values that the source itself marks as "no value". */
  /** Counts a value held back for a later run (a forecast too far ahead for the validator). */
  countDeferred(count = 1): void {
    this.deferred += count;
  }

  countMissing(count = 1): void {
    this.missing += count;
  }

  /** Records a problem at `position`; `value` is the offending source text or value. */
  reject(code: RejectionCode, message: string, position: string, value: unknown): void {
    this.problems.push(
      new RejectionError(code, `${position}: ${message}`, {
        details: { position, value: describeSourceValue(value) },
      }),
    );
  }

  /** Records a RejectionError thrown by a shared parser (parseTimestamp, say) at `position`. */
  rejectWith(error: RejectionError, position: string, value: unknown): void {
    this.problems.push(
      new RejectionError(error.code as RejectionCode, `${position}: ${error.message}`, {
        cause: error.cause,
        details: { ...error.details, position, value: describeSourceValue(value) },
        field: error.field,
      }),
    );
  }

  /**
   * Runs `read` and returns its result. A RejectionError it throws becomes a problem at
   * `position` and the result is undefined; other errors propagate, because they are bugs.
   */
  attempt<T>(position: string, value: unknown, read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof RejectionError)) {
        throw error;
      }
      this.rejectWith(error, position, value);

      return undefined;
    }
  }

  build(next?: string): SourceDecodeResult {
    const result: SourceDecodeResult = {
      features: this.features,
      records: this.records,
      problems: this.problems,
      missing: this.missing,
      deferred: this.deferred,
    };
    if (next !== undefined) {
      result.next = next;
    }

    return result;
  }
}

/** Returns the offending value as text for `details.value` and messages, cut to 200 characters. */
export function describeSourceValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

  return text.length > MAX_VALUE_TEXT_LENGTH ? `${text.slice(0, MAX_VALUE_TEXT_LENGTH)}…` : text;
}
