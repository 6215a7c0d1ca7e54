export * from './config';
export * from './app.module';
export * from './analytics.module';
export * from './analytics-settings';
export { DEFAULT_JOBS, loadAnalyticsDefinition, parseAnalyticsDefinition, type AnalyticsDefinition } from './definition/analytics-definition.loader';
export type { JobDefinition, JobKind } from './definition/analytics-file.schema';
export { JobTracker, type JobStatus } from './jobs/job-tracker.service';
export { JobScheduler } from './jobs/job-scheduler.service';
export { ANALYTICS_GROUP, AnalyticsConsumer } from './consumer/analytics.consumer';
// Rollup levels and rollup queries live in libs/timeseries, so the query API needs no service.
export {
  ROLLUP_LEVELS,
  ROLLUP_LEVEL_MS,
  ROLLUP_STATS,
  aggregateWithRollups,
  rollupDatastreamId,
  selectRollup,
  statValue,
  statsOf,
  type BucketStats,
  type RollupLevel,
  type RollupStat,
} from '@stadtdaten/timeseries';
export { RollupService } from './rollups/rollup.service';
export { QualityService } from './quality/quality.service';
export { PROBLEM_RULES, type QualityStatus } from './quality/quality-rules';
export { qualityTopic, type QualityStatusEvent } from './quality/status-publisher.service';
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './quality/webhook-signature';
