import { z } from 'zod';
import { durationSchema } from './duration';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Rule settings of the quality checks; each field is optional so that overrides can change single values. */
const ruleFields = {
  /** Typical gap between readings; unset: the median of the last gaps. */
  expectedInterval: durationSchema(1000, 7 * DAY_MS).optional(),
  /** Stale after this many expected intervals without a reading. */
  staleFactor: z.number().min(1).max(100).optional(),
  /** Stale after this long without a reading while the typical gap is not known. */
  staleAfter: durationSchema(MINUTE_MS, 30 * DAY_MS).optional(),
  /** Flat line: the same value for at least this long and flatLineMinReadings readings; `off` disables it. */
  flatLineDuration: z.union([z.literal('off'), durationSchema(MINUTE_MS, 90 * DAY_MS)]).optional(),
  flatLineMinReadings: z.number().int().min(2).max(10_000).optional(),
  /** Robust z-score (distance from the median in units of 1.4826 × MAD) above which a reading is a spike. */
  spikeThreshold: z.number().min(2).max(1000).optional(),
  /** Readings before the newest one that the spike check compares with. */
  spikeWindow: z.number().int().min(5).max(100).optional(),
  /** Plausible range; a run of readings outside it is out_of_range. */
  range: z.object({ min: z.number().optional(), max: z.number().optional() }).strict().optional(),
  outOfRangeRun: z.number().int().min(1).max(100).optional(),
  /** Clock skew: the median of receive time minus phenomenon time over the last readings. */
  maxClockAhead: durationSchema(1000, DAY_MS).optional(),
  maxClockBehind: durationSchema(1000, 30 * DAY_MS).optional(),
  /** Share of a device's messages that the validator rejected in rejectionWindow. */
  maxRejectionRate: z.number().min(0).max(1).optional(),
  rejectionWindow: durationSchema(MINUTE_MS, DAY_MS).optional(),
  minRejections: z.number().int().min(1).max(100_000).optional(),
};

const matchSchema = z
  .object({
    tenants: z.array(z.string().min(1)).min(1).optional(),
    deviceTypes: z.array(z.string().min(1)).min(1).optional(),
    devices: z.array(z.string().min(1)).min(1).optional(),
    datastreams: z.array(z.string().min(1)).min(1).optional(),
    observedProperties: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const partialRulesSchema = z.object(ruleFields).strict();

export const qualityRulesSchema = z
  .object({
    ...ruleFields,
    overrides: z
      .array(z.object({ match: matchSchema, ...ruleFields }).strict())
      .default([]),
  })
  .strict()
  .prefault({});

export type PartialQualityRules = z.output<typeof partialRulesSchema>;
export type QualityRuleMatch = z.output<typeof matchSchema>;
export type QualityRulesDefinition = z.output<typeof qualityRulesSchema>;

/** Settings of every quality rule after defaults and overrides are applied. */
export interface QualityRules {
  expectedIntervalMs?: number;
  staleFactor: number;
  staleAfterMs: number;
  flatLineDurationMs: number | 'off';
  flatLineMinReadings: number;
  spikeThreshold: number;
  spikeWindow: number;
  range?: { min?: number; max?: number };
  outOfRangeRun: number;
  maxClockAheadMs: number;
  maxClockBehindMs: number;
  maxRejectionRate: number;
  rejectionWindowMs: number;
  minRejections: number;
}

/** Built-in rule settings; a quality job's parameters and overrides change them. */
export const DEFAULT_QUALITY_RULES: QualityRules = {
  staleFactor: 3,
  staleAfterMs: 2 * 3_600_000,
  flatLineDurationMs: DAY_MS,
  flatLineMinReadings: 10,
  spikeThreshold: 8,
  spikeWindow: 30,
  outOfRangeRun: 3,
  maxClockAheadMs: 2 * MINUTE_MS,
  maxClockBehindMs: 6 * 3_600_000,
  maxRejectionRate: 0.1,
  rejectionWindowMs: 3_600_000,
  minRejections: 5,
};

/** Applies the set fields of `partial` onto `rules`. */
export function applyRuleFields(rules: QualityRules, partial: PartialQualityRules): QualityRules {
  const next: QualityRules = { ...rules };
  if (partial.expectedInterval !== undefined) next.expectedIntervalMs = partial.expectedInterval;
  if (partial.staleFactor !== undefined) next.staleFactor = partial.staleFactor;
  if (partial.staleAfter !== undefined) next.staleAfterMs = partial.staleAfter;
  if (partial.flatLineDuration !== undefined) next.flatLineDurationMs = partial.flatLineDuration;
  if (partial.flatLineMinReadings !== undefined) next.flatLineMinReadings = partial.flatLineMinReadings;
  if (partial.spikeThreshold !== undefined) next.spikeThreshold = partial.spikeThreshold;
  if (partial.spikeWindow !== undefined) next.spikeWindow = partial.spikeWindow;
  if (partial.range !== undefined) next.range = partial.range;
  if (partial.outOfRangeRun !== undefined) next.outOfRangeRun = partial.outOfRangeRun;
  if (partial.maxClockAhead !== undefined) next.maxClockAheadMs = partial.maxClockAhead;
  if (partial.maxClockBehind !== undefined) next.maxClockBehindMs = partial.maxClockBehind;
  if (partial.maxRejectionRate !== undefined) next.maxRejectionRate = partial.maxRejectionRate;
  if (partial.rejectionWindow !== undefined) next.rejectionWindowMs = partial.rejectionWindow;
  if (partial.minRejections !== undefined) next.minRejections = partial.minRejections;

  return next;
}
