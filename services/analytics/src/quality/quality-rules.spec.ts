import { DEFAULT_QUALITY_RULES, type QualityRules } from '../definition/quality-rules.schema';
import { DatastreamHistory } from './datastream-history';
import { datastreamProblems, rejectionProblem, statusOf, typicalInterval } from './quality-rules';

const MINUTE_MS = 60_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

function makeHistory(values: number[], stepMs = MINUTE_MS, delayMs = 500): DatastreamHistory {
  const history = new DatastreamHistory();
  values.forEach((value, index) => {
    const timeMs = NOW - (values.length - index) * stepMs;
    history.add({ phenomenonTimeMs: timeMs, receivedAtMs: timeMs + delayMs, value });
  });

  return history;
}

function rulesOf(overrides: Partial<QualityRules> = {}): QualityRules {
  return { ...DEFAULT_QUALITY_RULES, ...overrides };
}

const rules = (history: DatastreamHistory, overrides: Partial<QualityRules> = {}, nowMs = NOW) =>
  datastreamProblems('s.x', history, rulesOf(overrides), nowMs).map((problem) => problem.rule);

const noisy = (count: number) => Array.from({ length: count }, (_, index) => 20 + ((index * 7) % 5));

describe('datastreamProblems', () => {
  it('finds nothing in regular readings', () => {
    expect(rules(makeHistory(noisy(40)))).toEqual([]);
  });

  it('finds a stale datastream by its typical interval', () => {
    // The newest reading arrived a minute before NOW, and readings come every minute.
    expect(rules(makeHistory(noisy(20)), {}, NOW + MINUTE_MS)).toEqual([]);
    expect(rules(makeHistory(noisy(20)), {}, NOW + 3 * MINUTE_MS)).toEqual(['stale']);
  });

  it('uses staleAfter without a typical interval', () => {
    const history = makeHistory([1]);

    expect(rules(history, { staleAfterMs: 10 * MINUTE_MS }, NOW + 9 * MINUTE_MS)).toEqual([]);
    expect(rules(history, { staleAfterMs: 10 * MINUTE_MS }, NOW + 11 * MINUTE_MS)).toEqual(['stale']);
  });

  it('finds a flat line', () => {
    const flat = makeHistory(Array(30).fill(50), 10 * MINUTE_MS);

    expect(rules(flat, { flatLineDurationMs: 4 * 3_600_000 })).toEqual(['flat_line']);
    expect(rules(flat, { flatLineDurationMs: 6 * 3_600_000 })).toEqual([]);
    expect(rules(flat, { flatLineDurationMs: 'off' })).toEqual([]);
  });

  it('finds a spike', () => {
    expect(rules(makeHistory([...noisy(30), 400]))).toEqual(['spike']);
    expect(rules(makeHistory([...noisy(30), 30]))).toEqual([]);
  });

  it('finds a run out of range', () => {
    const range = { min: 0, max: 100 };

    expect(rules(makeHistory([...noisy(20), -5, -6]), { range })).toEqual(['spike']);
    expect(rules(makeHistory([...noisy(20), -5, -6, -5]), { range, spikeThreshold: 1000 })).toEqual(['out_of_range']);
  });

  it('finds a clock ahead and behind', () => {
    expect(rules(makeHistory(noisy(10), MINUTE_MS, -10 * MINUTE_MS), {}, NOW - 10 * MINUTE_MS)).toEqual(['clock_skew']);
    expect(rules(makeHistory(noisy(10), MINUTE_MS, 7 * 3_600_000), {}, NOW + 7 * 3_600_000)).toEqual(['clock_skew']);
  });
});

describe('rejectionProblem', () => {
  it('needs minRejections and the rate', () => {
    expect(rejectionProblem(10, 4, rulesOf())).toBeUndefined();
    expect(rejectionProblem(100, 6, rulesOf())).toBeUndefined();
    expect(rejectionProblem(10, 6, rulesOf())?.detail).toContain('6 of 16 messages (38 %)');
  });
});

describe('statusOf', () => {
  it('takes the most severe rule', () => {
    expect(statusOf([])).toBe('ok');
    expect(statusOf([{ rule: 'spike', detail: '' }, { rule: 'stale', detail: '' }])).toBe('stale');
  });
});

describe('typicalInterval', () => {
  it('takes the median gap', () => {
    expect(typicalInterval(makeHistory([1, 2, 3, 4], 5 * MINUTE_MS).recent())).toBe(5 * MINUTE_MS);
    expect(typicalInterval(makeHistory([1, 2]).recent())).toBeUndefined();
  });
});
