/** Readings kept per datastream for the spike, range, interval and clock checks. */
export const HISTORY_CAPACITY = 128;

/** One reading as the quality checks see it. */
export interface QualityReading {
  phenomenonTimeMs: number;
  receivedAtMs: number;
  /** Numeric result; undefined for other result types. */
  value?: number;
}

/**
 * Reading history of one datastream for the quality checks, in the order readings arrived: the
 * last HISTORY_CAPACITY readings and the current run of equal values (which may be much longer).
 */
export class DatastreamHistory {
  private readonly readings: QualityReading[] = [];
  /** Newest receive time seen. */
  lastReceivedAtMs?: number;
  /** Value, first phenomenon time and length of the current run of equal numeric values. */
  flatRun?: { value: number; sinceMs: number; untilMs: number; count: number };

  add(reading: QualityReading): void {
    this.readings.push(reading);
    if (this.readings.length > HISTORY_CAPACITY) {
      this.readings.shift();
    }
    this.lastReceivedAtMs = Math.max(this.lastReceivedAtMs ?? reading.receivedAtMs, reading.receivedAtMs);
    this.extendFlatRun(reading);
  }

  /** Returns the kept readings, oldest first. */
  recent(): readonly QualityReading[] {
    return this.readings;
  }

  get size(): number {
    return this.readings.length;
  }

  private extendFlatRun(reading: QualityReading): void {
    if (reading.value === undefined) {
      this.flatRun = undefined;

      return;
    }
    const run = this.flatRun;
    if (run !== undefined && run.value === reading.value) {
      run.count += 1;
      run.sinceMs = Math.min(run.sinceMs, reading.phenomenonTimeMs);
      run.untilMs = Math.max(run.untilMs, reading.phenomenonTimeMs);
    } else {
      this.flatRun = { value: reading.value, sinceMs: reading.phenomenonTimeMs, untilMs: reading.phenomenonTimeMs, count: 1 };
    }
  }
}
