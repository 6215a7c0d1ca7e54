import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Observation, createObservation, observationId } from '@stadtdaten/contracts';
import { BatchSigner } from './batch.signer';
import { FileSigningKeyStore } from './file-signing-key-store.adapter';

export interface SigningBenchmarkResult {
  batchSize: number;
  /** Observations signed in the timed run. */
  observations: number;
  durationMs: number;
  observationsPerSecond: number;
}

/** Batch sizes `benchmarkSigning` measures. */
export const BENCHMARK_BATCH_SIZES: readonly number[] = [100, 1000, 5000];

/**
 * Measures BatchSigner throughput: for each batch size, signs `count` observations in batches
 * of that size (canonical encoding, Merkle tree, one proof per observation, one Ed25519
 * signature per batch) with a FileSigningKeyStore in a temporary directory. One batch of each
 * size runs untimed first so the code is compiled before timing.
 */
export async function benchmarkSigning(count: number): Promise<SigningBenchmarkResult[]> {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`count must be a positive integer, got ${count}`);
  }
  const observations = Array.from({ length: count }, (_, index) => makeBenchmarkObservation(index));
  const dir = await mkdtemp(join(tmpdir(), 'stadtdaten-integrity-bench-'));
  try {
    const signer = new BatchSigner(await FileSigningKeyStore.open(join(dir, 'keys')));
    const results: SigningBenchmarkResult[] = [];
    for (const batchSize of BENCHMARK_BATCH_SIZES) {
      await signer.sign(observations.slice(0, batchSize));
      results.push(await timeSigning(signer, observations, batchSize));
    }

    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timeSigning(
  signer: BatchSigner,
  observations: readonly Observation[],
  batchSize: number,
): Promise<SigningBenchmarkResult> {
  const startMs = performance.now();
  for (let start = 0; start < observations.length; start += batchSize) {
    await signer.sign(observations.slice(start, start + batchSize));
  }
  const durationMs = performance.now() - startMs;

  return {
    batchSize,
    observations: observations.length,
    durationMs,
    observationsPerSecond: (observations.length / durationMs) * 1000,
  };
}

// Shaped like a reading from the validator: a number result with its full context.
function makeBenchmarkObservation(index: number): Observation {
  const tenant = 'darmstadt';
  const datastreamId = `ds-${index % 500}`;
  const phenomenonTimeMs = 1_733_000_000_000 + index * 1000;

  return createObservation({
    id: observationId(tenant, datastreamId, phenomenonTimeMs),
    tenant,
    datastreamId,
    thingId: `thing-${index % 100}`,
    deviceId: `device-${index % 500}`,
    observedProperty: 'air_temperature',
    unit: 'Cel',
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs + 250,
    receivedAtMs: phenomenonTimeMs + 400,
    result: { case: 'number', value: 12.5 + (index % 40) / 4 },
    classification: 'public',
    storageProfile: 'onprem-darz',
  });
}
