import { type RejectionCode, RejectionError } from '@stadtdaten/contracts';
import type { DecodedReading, DecodeResult } from './payload-decoder.interface';

/** Collects readings and per-entry rejections of one payload. */
export class DecodeResultBuilder {
  private readonly readings: DecodedReading[] = [];
  private readonly rejections: RejectionError[] = [];

  addReading(reading: DecodedReading): void {
    this.readings.push(reading);
  }

  /** Adds one reading per member of `fields`, all with the same device, time and entry. */
  addFields(fields: Record<string, unknown>, common: Omit<DecodedReading, 'field' | 'value'>): void {
    for (const [field, value] of Object.entries(fields)) {
      this.readings.push({ ...common, field, value });
    }
  }

  /** Records `error` as the failure of entry `entryIndex`; the other entries are kept. */
  reject(error: RejectionError, entryIndex: number): void {
    this.rejections.push(atEntry(error, entryIndex));
  }

  /**
   * Runs `decodeEntry` and records a RejectionError it throws as the failure of entry
   * `entryIndex`. Other errors propagate, because they are bugs rather than bad input.
   */
  collectEntry(entryIndex: number, decodeEntry: () => void): void {
    try {
      decodeEntry();
    } catch (error) {
      if (!(error instanceof RejectionError)) {
        throw error;
      }
      this.reject(error, entryIndex);
    }
  }

  build(): DecodeResult {
    return { readings: this.readings, rejections: this.rejections };
  }
}

/** Copy of `error` with `entryIndex` set and the entry named at the start of the message. */
export function atEntry(error: RejectionError, entryIndex: number): RejectionError {
  if (error.entryIndex === entryIndex) {
    return error;
  }

  return new RejectionError(error.code as RejectionCode, `Entry ${entryIndex}: ${error.message}`, {
    cause: error.cause,
    details: error.details,
    field: error.field,
    entryIndex,
  });
}
