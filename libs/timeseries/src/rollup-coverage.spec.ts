import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StoredObservation, observationId } from '@stadtdaten/contracts';
import { rollupCoverage } from './rollup-coverage';
import { rollupDatastreamId } from './rollup-levels';
import { SqliteTimeSeriesStore } from './sqlite-time-series.adapter';

const TENANT = 'darmstadt';
const SOURCE = 'meter-1.power';
const COUNT_1D = rollupDatastreamId(SOURCE, 'count', '1d');
const START_MS = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

function makeRollup(day: number, qualityFlags: string[] = []): StoredObservation {
  const phenomenonTimeMs = START_MS + day * DAY_MS;

  return {
    id: observationId(TENANT, COUNT_1D, phenomenonTimeMs),
    tenant: TENANT,
    datastreamId: COUNT_1D,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs,
    result: 96,
    qualityFlags,
    storageProfile: 'onprem-darz',
  };
}

describe('rollupCoverage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-rollup-coverage-'));
  const sut = new SqliteTimeSeriesStore({ path: join(dir, 'ts.sqlite'), synchronous: 'NORMAL' });
  const query = {
    tenant: TENANT,
    datastreamId: SOURCE,
    fromMs: START_MS + 3_600_000,
    toMs: START_MS + 30 * DAY_MS,
  };
  const afterRange = START_MS + 60 * DAY_MS;

  beforeAll(async () => {
    await sut.connect();
    // Rollups of days 5 to 19; day 20 was computed while it was open and is flagged incomplete.
    const days = Array.from({ length: 15 }, (_, index) => makeRollup(5 + index));
    await sut.write([...days, makeRollup(20, ['incomplete'])]);
  });

  afterAll(async () => {
    await sut.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spans the stored buckets', async () => {
    expect(await rollupCoverage(sut, query, '1d', afterRange)).toEqual({
      fromMs: START_MS + 5 * DAY_MS,
      toMs: START_MS + 20 * DAY_MS,
    });
  });

  it('ends before an incomplete newest bucket', async () => {
    const beforeDay20 = { ...query, toMs: START_MS + 20 * DAY_MS };

    expect((await rollupCoverage(sut, beforeDay20, '1d', afterRange))?.toMs).toBe(START_MS + 20 * DAY_MS);
  });

  it('leaves out the bucket that contains now', async () => {
    const nowMs = START_MS + 12 * DAY_MS + 7_200_000;

    expect(await rollupCoverage(sut, query, '1d', nowMs)).toEqual({
      fromMs: START_MS + 5 * DAY_MS,
      toMs: START_MS + 12 * DAY_MS,
    });
  });

  it('returns undefined without rollups in the range', async () => {
    const early = { ...query, toMs: START_MS + 5 * DAY_MS };

    expect(await rollupCoverage(sut, early, '1d', afterRange)).toBeUndefined();
  });

  it('returns undefined for another level', async () => {
    expect(await rollupCoverage(sut, query, '1h', afterRange)).toBeUndefined();
  });
});
