import type { QualityRules } from '../definition/quality-rules.schema';
import { formatDuration } from '../definition/duration';
import type { DatastreamHistory, QualityReading } from './datastream-history';

export const PROBLEM_RULES = ['stale', 'rejecting', 'out_of_range', 'flat_line', 'spike', 'clock_skew'] as const;

/** A rule that a device or datastream breaks; the order of PROBLEM_RULES is the order of severity. */
export type ProblemRule = (typeof PROBLEM_RULES)[number];

export type QualityStatus = 'ok' | 'unknown' | ProblemRule;

export interface QualityProblem {
  rule: ProblemRule;
  /** The datastream that breaks the rule; absent for rules of the whole device (rejecting). */
  datastreamId?: string;
  detail: string;
}

type RuleCheck = (history: DatastreamHistory, rules: QualityRules, nowMs: number) => Omit<QualityProblem, 'datastreamId'> | undefined;

/** Gaps needed before the median gap stands for the expected interval. */
const MIN_GAPS = 3;

/** Readings the clock check takes the median over. */
const CLOCK_READINGS = 10;

/** Readings before the newest one needed for the spike check. */
const MIN_SPIKE_READINGS = 10;

/** Scales the median absolute deviation to the standard deviation of a normal distribution. */
const MAD_SCALE = 1.4826;

/** Checks one datastream's history against its rules at `nowMs`. */
export function datastreamProblems(datastreamId: string, history: DatastreamHistory, rules: QualityRules, nowMs: number): QualityProblem[] {
  const checks: RuleCheck[] = [staleProblem, flatLineProblem, spikeProblem, rangeProblem, clockProblem];
  const problems: QualityProblem[] = [];
  for (const check of checks) {
    const problem = check(history, rules, nowMs);
    if (problem !== undefined) {
      problems.push({ ...problem, datastreamId });
    }
  }

  return problems;
}

/** Returns `rejecting` when the share of rejected messages in the window is above the limit. */
export function rejectionProblem(accepted: number, rejected: number, rules: QualityRules): QualityProblem | undefined {
  const total = accepted + rejected;
  if (rejected < rules.minRejections || total === 0 || rejected / total <= rules.maxRejectionRate) {
    return undefined;
  }
  const percent = Math.round((100 * rejected) / total);

  return {
    rule: 'rejecting',
    detail: `${rejected} of ${total} messages (${percent} %) rejected in the last ${formatDuration(rules.rejectionWindowMs)}; the limit is ${Math.round(100 * rules.maxRejectionRate)} %`,
  };
}

/** Returns the most severe rule among the problems, or `ok` without problems. */
export function statusOf(problems: QualityProblem[]): QualityStatus {
  const rules = new Set(problems.map((problem) => problem.rule));

  return PROBLEM_RULES.find((rule) => rules.has(rule)) ?? 'ok';
}

/** Median gap between consecutive phenomenon times, or undefined with fewer than three gaps. */
export function typicalInterval(readings: readonly QualityReading[]): number | undefined {
  const times = readings.map((reading) => reading.phenomenonTimeMs).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let index = 1; index < times.length; index += 1) {
    if (times[index] > times[index - 1]) {
      gaps.push(times[index] - times[index - 1]);
    }
  }

  return gaps.length >= MIN_GAPS ? median(gaps) : undefined;
}

function staleProblem(history: DatastreamHistory, rules: QualityRules, nowMs: number) {
  if (history.lastReceivedAtMs === undefined) {
    return undefined;
  }
  const interval = rules.expectedIntervalMs ?? typicalInterval(history.recent());
  const limitMs = interval === undefined ? rules.staleAfterMs : rules.staleFactor * interval;
  const silenceMs = nowMs - history.lastReceivedAtMs;
  if (silenceMs <= limitMs) {
    return undefined;
  }
  const expected = interval === undefined ? '' : `; expected every ${formatDuration(Math.round(interval))}`;

  return { rule: 'stale' as const, detail: `no reading for ${formatDuration(roundToSeconds(silenceMs))}${expected}` };
}

function flatLineProblem(history: DatastreamHistory, rules: QualityRules) {
  const run = history.flatRun;
  if (rules.flatLineDurationMs === 'off' || run === undefined || run.count < rules.flatLineMinReadings) {
    return undefined;
  }
  const durationMs = run.untilMs - run.sinceMs;
  if (durationMs < rules.flatLineDurationMs) {
    return undefined;
  }

  return {
    rule: 'flat_line' as const,
    detail: `the same value ${run.value} in ${run.count} readings over ${formatDuration(roundToSeconds(durationMs))}`,
  };
}

function spikeProblem(history: DatastreamHistory, rules: QualityRules) {
  const numeric = history.recent().filter((reading) => reading.value !== undefined);
  if (numeric.length < MIN_SPIKE_READINGS + 1) {
    return undefined;
  }
  const newest = numeric[numeric.length - 1].value as number;
  const window = numeric.slice(-rules.spikeWindow - 1, -1).map((reading) => reading.value as number);
  const center = median(window);
  const spread = MAD_SCALE * median(window.map((value) => Math.abs(value - center)));
  // NOTE: a window whose readings are mostly equal has no spread, so no reading counts as a spike there.
  if (spread === 0) {
    return undefined;
  }
  const score = Math.abs(newest - center) / spread;
  if (score <= rules.spikeThreshold) {
    return undefined;
  }

  return {
    rule: 'spike' as const,
    detail: `newest value ${newest} is ${score.toFixed(1)} robust standard deviations from the median ${center} of the ${window.length} readings before it`,
  };
}

function rangeProblem(history: DatastreamHistory, rules: QualityRules) {
  const { range } = rules;
  if (range === undefined || (range.min === undefined && range.max === undefined)) {
    return undefined;
  }
  const numeric = history.recent().filter((reading) => reading.value !== undefined);
  const run = numeric.slice(-rules.outOfRangeRun);
  const outside = (value: number) => (range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max);
  if (run.length < rules.outOfRangeRun || !run.every((reading) => outside(reading.value as number))) {
    return undefined;
  }

  return {
    rule: 'out_of_range' as const,
    detail: `the last ${run.length} readings lie outside ${range.min ?? '-∞'} … ${range.max ?? '∞'} (newest ${run[run.length - 1].value})`,
  };
}

function clockProblem(history: DatastreamHistory, rules: QualityRules) {
  const recent = history.recent().slice(-CLOCK_READINGS);
  if (recent.length === 0) {
    return undefined;
  }
  const delayMs = median(recent.map((reading) => reading.receivedAtMs - reading.phenomenonTimeMs));
  if (delayMs < -rules.maxClockAheadMs) {
    return { rule: 'clock_skew' as const, detail: `phenomenon times lie ${formatDuration(roundToSeconds(-delayMs))} after their receive times (median of ${recent.length})` };
  }
  if (delayMs > rules.maxClockBehindMs) {
    return { rule: 'clock_skew' as const, detail: `phenomenon times lie ${formatDuration(roundToSeconds(delayMs))} before their receive times (median of ${recent.length})` };
  }

  return undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function roundToSeconds(ms: number): number {
  return Math.round(ms / 1000) * 1000;
}
