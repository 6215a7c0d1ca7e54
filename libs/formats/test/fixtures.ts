import { RejectionError } from '@stadtdaten/contracts';
import { readFileSync } from 'node:fs';
import type { DecodeContext } from '../src/payload-decoder.interface';

/** Receive time and clock of the default context: 2024-05-01T12:00:00Z. */
export const RECEIVED_AT_MS = Date.UTC(2024, 4, 1, 12, 0, 0);

export function makeDecodeContext(overrides: Partial<DecodeContext> = {}): DecodeContext {
  return { deviceId: 'device-1', receivedAtMs: RECEIVED_AT_MS, nowMs: RECEIVED_AT_MS, ...overrides };
}

/** UTF-8 JSON bytes of `value`. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function readSample(path: string | undefined): Uint8Array {
  if (path === undefined) {
    throw new Error('sample data folder is absent');
  }

  return new Uint8Array(readFileSync(path));
}

/** Runs `run` and returns the RejectionError it throws; fails when it throws nothing or another error. */
export function rejectionOf(run: () => unknown): RejectionError {
  try {
    run();
  } catch (error) {
    if (error instanceof RejectionError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a RejectionError, but nothing was thrown');
}
