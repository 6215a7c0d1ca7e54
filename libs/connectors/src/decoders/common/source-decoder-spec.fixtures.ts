import type { RejectionError } from '@stadtdaten/contracts';
import { readFileSync } from 'node:fs';
import type { SourceDecodeContext, SourceDecodeResult, SourceRecord } from '../source-decoder.interface';

/** Clock of the default test context, 2026-01-01T00:00:00Z: after every sample time. */
export const SPEC_NOW_MS = Date.UTC(2026, 0, 1);

export function makeSourceContext(overrides: Partial<SourceDecodeContext> = {}): SourceDecodeContext {
  return {
    sourceName: 'spec-input',
    timeZone: 'Europe/Berlin',
    nowMs: SPEC_NOW_MS,
    options: {},
    ...overrides,
  };
}

export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function jsonInput(value: unknown): Uint8Array {
  return utf8Bytes(JSON.stringify(value));
}

export function readSampleBytes(path: string | undefined): Uint8Array {
  if (path === undefined) {
    throw new Error('sample data folder is absent');
  }

  return new Uint8Array(readFileSync(path));
}

/** Returns code and position of each problem, for compact assertions. */
export function problemSummary(result: SourceDecodeResult): Array<[code: string, position: unknown]> {
  return result.problems.map((problem: RejectionError) => [problem.code, problem.details.position]);
}

/** Returns the records of one feature and field, in input order. */
export function recordsOf(result: SourceDecodeResult, featureKey: string, field: string): SourceRecord[] {
  return result.records.filter((record) => record.featureKey === featureKey && record.field === field);
}
