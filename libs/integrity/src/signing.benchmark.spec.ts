import { BENCHMARK_BATCH_SIZES, benchmarkSigning } from './signing.benchmark';

describe('benchmarkSigning', () => {
  it('measures each batch size', async () => {
    const results = await benchmarkSigning(200);

    expect(results.map((result) => [result.batchSize, result.observations])).toEqual(
      BENCHMARK_BATCH_SIZES.map((batchSize) => [batchSize, 200]),
    );
    for (const result of results) {
      expect(result.observationsPerSecond).toBeGreaterThan(0);
    }
  });

  it('rejects a count of zero', async () => {
    await expect(benchmarkSigning(0)).rejects.toThrow('count must be a positive integer, got 0');
  });
});
