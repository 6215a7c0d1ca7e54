import { airQualityIndex, pollutantClass } from './uba-index';

describe('pollutantClass', () => {
  it.each([
    ['pm10', 9, 1],
    ['pm10', 9.49, 1],
    ['pm10', 9.5, 2],
    ['pm10', 27, 2],
    ['pm10', 54, 3],
    ['pm10', 90, 4],
    ['pm10', 91, 5],
    ['pm2_5', 5, 1],
    ['pm2_5', 16, 3],
    ['pm2_5', 51, 5],
    ['no2', 10, 1],
    ['no2', 31, 3],
    ['no2', 101, 5],
    ['o3', 24, 1],
    ['o3', 145, 4],
    ['o3', 241, 5],
  ] as const)('classes %s %d as %d (uba-2025)', (pollutant, value, expected) => {
    expect(pollutantClass('uba-2025', pollutant, value)).toBe(expected);
  });

  it.each([
    ['no2', 20, 1],
    ['no2', 41, 3],
    ['pm10', 35, 2],
    ['pm2_5', 26, 4],
    ['o3', 181, 4],
  ] as const)('classes %s %d as %d (uba-2019)', (pollutant, value, expected) => {
    expect(pollutantClass('uba-2019', pollutant, value)).toBe(expected);
  });
});

describe('airQualityIndex', () => {
  it('takes the worst pollutant', () => {
    expect(airQualityIndex('uba-2025', { no2: 35, pm10: 20, pm2_5: 3 })).toEqual({ index: 3, pollutant: 'no2' });
  });

  it('takes the first of equal classes', () => {
    expect(airQualityIndex('uba-2025', { pm10: 60, no2: 70 })).toEqual({ index: 4, pollutant: 'no2' });
  });

  it('returns undefined without values', () => {
    expect(airQualityIndex('uba-2025', {})).toBeUndefined();
  });
});
