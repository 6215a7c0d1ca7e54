import { durationSchema, formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['28d', 2_419_200_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['15', 'm15', '1.5h', '-1h', '1w'])('rejects %s', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [86_400_000, '1d'],
    [5_400_000, '90m'],
    [1500, '1500ms'],
  ])('writes %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('durationSchema', () => {
  it('names the allowed range', () => {
    const result = durationSchema(60_000, 3_600_000).safeParse('2h');

    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toContain('from 1m to 1h');
  });
});
