import { parseFilter } from './filter-parser';
import { type ObservationFilterPlan, planObservationFilter } from './observation-filter.translator';

const NOW_MS = Date.parse('2024-03-29T00:00:00Z');
const ms = (iso: string) => Date.parse(iso);

function plan(text: string): ObservationFilterPlan {
  return planObservationFilter(parseFilter(text), { nowMs: NOW_MS });
}

function showRest(result: ObservationFilterPlan) {
  return {
    fromMs: result.fromMs,
    toMs: result.toMs,
    empty: result.empty,
    datastreamIds: result.datastreamIds,
    datastreamFilter: result.datastreamFilter !== undefined,
    remainingFilter: result.remainingFilter !== undefined,
  };
}

describe('planObservationFilter', () => {
  it.each([
    ['phenomenonTime ge 2024-01-01T00:00:00Z', { fromMs: ms('2024-01-01T00:00:00Z') }],
    ['phenomenonTime gt 2024-01-01T00:00:00Z', { fromMs: ms('2024-01-01T00:00:00Z') + 1 }],
    ['phenomenonTime lt 2024-01-01T00:00:00Z', { toMs: ms('2024-01-01T00:00:00Z') }],
    ['phenomenonTime le 2024-01-01T00:00:00Z', { toMs: ms('2024-01-01T00:00:00Z') + 1 }],
    [
      'phenomenonTime eq 2024-01-01T00:00:00Z',
      { fromMs: ms('2024-01-01T00:00:00Z'), toMs: ms('2024-01-01T00:00:00Z') + 1 },
    ],
    ['2024-01-01T00:00:00Z lt phenomenonTime', { fromMs: ms('2024-01-01T00:00:00Z') + 1 }],
    ['2024-01-01T01:00:00+01:00 ge phenomenonTime', { toMs: ms('2024-01-01T00:00:00Z') + 1 }],
    [
      'phenomenonTime ge 2024-01-01T00:00:00Z and phenomenonTime lt 2024-02-01T00:00:00Z',
      { fromMs: ms('2024-01-01T00:00:00Z'), toMs: ms('2024-02-01T00:00:00Z') },
    ],
    [
      'phenomenonTime ge 2024-01-01T00:00:00Z and phenomenonTime ge 2024-01-15T00:00:00Z',
      { fromMs: ms('2024-01-15T00:00:00Z') },
    ],
    ["phenomenonTime gt now() sub duration'P1D'", { fromMs: NOW_MS - 86_400_000 + 1 }],
    [
      'year(phenomenonTime) eq 2023',
      { fromMs: ms('2023-01-01T00:00:00Z'), toMs: ms('2024-01-01T00:00:00Z') },
    ],
    ['year(phenomenonTime) ge 2023', { fromMs: ms('2023-01-01T00:00:00Z') }],
    ['year(phenomenonTime) lt 2023', { toMs: ms('2023-01-01T00:00:00Z') }],
    ['year(phenomenonTime) le 2023', { toMs: ms('2024-01-01T00:00:00Z') }],
  ])('takes the range of %s', (text, range) => {
    const result = plan(text);

    expect({ fromMs: result.fromMs, toMs: result.toMs }).toEqual({
      fromMs: undefined,
      toMs: undefined,
      ...range,
    });
    expect(result.remainingFilter).toBeUndefined();
    expect(result.empty).toBe(false);
  });

  it.each([
    ['phenomenonTime ne 2024-01-01T00:00:00Z'],
    ['phenomenonTime ge 2024-01-01T00:00:00Z or result gt 1'],
    ['resultTime ge 2024-01-01T00:00:00Z'],
    ['month(phenomenonTime) eq 3'],
    ['result gt 5'],
  ])('keeps %s in memory', (text) => {
    const result = plan(text);

    expect(result.remainingFilter).toBeDefined();
    expect(result.fromMs).toBeUndefined();
    expect(result.toMs).toBeUndefined();
  });

  it.each([
    ["Datastream/id eq 'a.x'", { datastreamIds: ['a.x'], datastreamFilter: true }],
    [
      "Datastream/@iot.id eq 'a.x' or Datastream/id eq 'b.y'",
      { datastreamIds: ['a.x', 'b.y'], datastreamFilter: true },
    ],
    ["Datastream/Thing/name eq 'Luisenplatz'", { datastreamIds: undefined, datastreamFilter: true }],
    [
      "geo.intersects(FeatureOfInterest/feature, geography'POINT(1 2)')",
      { datastreamIds: undefined, datastreamFilter: true },
    ],
    [
      "Datastream/id eq 'a.x' and Datastream/id eq 'b.y'",
      { datastreamIds: [], datastreamFilter: true, empty: true },
    ],
    [
      'result gt Datastream/properties/threshold',
      { datastreamIds: undefined, datastreamFilter: false, remainingFilter: true },
    ],
  ])('sorts the datastream terms of %s', (text, expected) => {
    expect(showRest(plan(text))).toEqual({
      fromMs: undefined,
      toMs: undefined,
      empty: false,
      remainingFilter: false,
      ...expected,
    });
  });

  it('splits a mixed filter three ways', () => {
    const result = plan(
      "Datastream/id eq 'a.x' and phenomenonTime ge 2024-01-01T00:00:00Z and result gt 5 and phenomenonTime lt 2024-01-02T00:00:00Z",
    );

    expect(showRest(result)).toEqual({
      fromMs: ms('2024-01-01T00:00:00Z'),
      toMs: ms('2024-01-02T00:00:00Z'),
      empty: false,
      datastreamIds: ['a.x'],
      datastreamFilter: true,
      remainingFilter: true,
    });
  });

  it.each([
    ['phenomenonTime ge 2024-02-01T00:00:00Z and phenomenonTime lt 2024-01-01T00:00:00Z'],
    ['false'],
    ['result gt 1 and 1 eq 2'],
  ])('marks %s empty', (text) => {
    expect(plan(text).empty).toBe(true);
  });

  it('plans no filter as everything', () => {
    expect(planObservationFilter(undefined, { nowMs: NOW_MS })).toEqual({
      empty: false,
      datastreamFilter: undefined,
      remainingFilter: undefined,
    });
  });
});
