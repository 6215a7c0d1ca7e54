import { USE_CASES } from '@stadtdaten/registry';
import { THEMES_BY_USE_CASE, USE_CASE_KEYWORDS, frequencyOf } from './vocabularies';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('frequencyOf', () => {
  it.each([
    [0, undefined, undefined, 'UNKNOWN'],
    [1, 0, 0, 'UNKNOWN'],
    [61, 0, 60 * MINUTE, 'UPDATE_CONT'],
    [25, 0, 24 * 60 * MINUTE * 2, 'DAILY'],
    [31, 0, 30 * DAY, 'DAILY'],
    [5, 0, 28 * DAY, 'WEEKLY'],
    [3, 0, 60 * DAY, 'MONTHLY'],
    [2, 0, 400 * DAY, 'IRREG'],
  ])('maps %i observations from %j to %j to %s', (count, first, last, expected) => {
    expect(frequencyOf(count, first, last)).toBe(expected);
  });
});

describe('THEMES_BY_USE_CASE', () => {
  it('covers every use case of the registry', () => {
    expect(Object.keys(THEMES_BY_USE_CASE).sort()).toEqual([...USE_CASES].sort());
    expect(Object.keys(USE_CASE_KEYWORDS).sort()).toEqual([...USE_CASES].sort());
  });

  it.each([
    ['parking', ['TRAN']],
    ['traffic', ['TRAN']],
    ['air-quality', ['ENVI']],
    ['energy', ['ENER']],
  ] as const)('maps %s to %j', (useCase, themes) => {
    expect(THEMES_BY_USE_CASE[useCase]).toEqual(themes);
  });
});
