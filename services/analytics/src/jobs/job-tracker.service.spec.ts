import { AppError, FixedClock } from '@stadtdaten/contracts';
import { Metrics } from '@stadtdaten/observability';
import { parseAnalyticsDefinition } from '../definition/analytics-definition.loader';
import { JobTracker } from './job-tracker.service';

const NOW = Date.parse('2026-06-01T12:00:00Z');

function makeTracker() {
  const clock = new FixedClock(NOW);
  const metrics = new Metrics({ defaultMetrics: false });
  const sut = new JobTracker(clock, metrics);
  parseAnalyticsDefinition({ jobs: [{ name: 'occupancy', kind: 'parking-occupancy', trigger: { every: '5m' } }] }, 'test').jobs.forEach((job) => sut.register(job));

  return { sut, clock, metrics };
}

describe(JobTracker.name, () => {
  it('records a successful run with its counts', async () => {
    const { sut } = makeTracker();

    expect(await sut.track('occupancy', 'darmstadt', async () => ({ facilities: 3 }))).toBe(true);

    const [status] = sut.list()[0].tenants;
    expect(status).toMatchObject({ tenant: 'darmstadt', runs: 1, failedRuns: 0, lastRun: { facilities: 3 }, lastSuccessAt: new Date(NOW).toISOString() });
  });

  it('records a failed run with its code', async () => {
    const { sut } = makeTracker();

    expect(await sut.track('occupancy', 'darmstadt', async () => Promise.reject(new AppError('UNAVAILABLE', 'store down')))).toBe(false);

    const [status] = sut.list()[0].tenants;
    expect(status.failedRuns).toBe(1);
    expect(status.recentErrors[0]).toMatchObject({ code: 'UNAVAILABLE', message: 'store down' });
  });

  it('reports how far a scheduled job is behind', async () => {
    const { sut, clock } = makeTracker();
    await sut.track('occupancy', 'darmstadt', async () => undefined);
    clock.set(NOW + 8 * 60_000);

    expect(sut.list()[0].tenants[0].lagMs).toBe(3 * 60_000);
  });

  it('filters tenants', async () => {
    const { sut } = makeTracker();
    await sut.track('occupancy', 'darmstadt', async () => undefined);
    await sut.track('occupancy', 'kassel', async () => undefined);

    expect(sut.list('kassel')[0].tenants.map((status) => status.tenant)).toEqual(['kassel']);
  });

  it('counts runs in the metrics', async () => {
    const { sut, metrics } = makeTracker();
    await sut.track('occupancy', 'darmstadt', async () => undefined);

    expect(await metrics.text()).toContain('stadtdaten_analytics_job_runs_total{job="occupancy",tenant="darmstadt",outcome="succeeded"} 1');
  });
});
