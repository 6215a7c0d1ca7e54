import { bucketLastReadings, toGrid } from './time-grid';

const STEP = 900_000;

describe('toGrid', () => {
  it('takes the last reading before each slot', () => {
    const grid = toGrid(
      [
        { timeMs: 0, value: 1 },
        { timeMs: 100, value: 2 },
        { timeMs: STEP, value: 3 },
      ],
      0,
      3,
      STEP,
      Number.POSITIVE_INFINITY,
    );

    expect([...grid]).toEqual([Number.NaN, 2, 3]);
  });

  it('stops filling after maxFill', () => {
    const grid = toGrid([{ timeMs: 0, value: 5 }], STEP, 4, STEP, 2 * STEP);

    expect([...grid]).toEqual([5, 5, Number.NaN, Number.NaN]);
  });
});

describe('bucketLastReadings', () => {
  it('times each value at its bucket end', () => {
    expect(bucketLastReadings([{ bucketStartMs: 0, value: 4 }, { bucketStartMs: STEP, value: null }], STEP)).toEqual([{ timeMs: STEP - 1, value: 4 }]);
  });
});
