import { easterSunday, hesseHolidays } from './hesse-holidays';

describe('easterSunday', () => {
  it.each([
    [2021, '2021-04-04'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2038, '2038-04-25'],
  ])('finds Easter %d', (year, date) => {
    expect(easterSunday(year).toISOString().slice(0, 10)).toBe(date);
  });
});

describe('hesseHolidays', () => {
  it('lists the ten holidays of 2021', () => {
    expect(hesseHolidays(2021)).toEqual([
      '2021-01-01',
      '2021-04-02',
      '2021-04-05',
      '2021-05-01',
      '2021-05-13',
      '2021-05-24',
      '2021-06-03',
      '2021-10-03',
      '2021-12-25',
      '2021-12-26',
    ]);
  });
});
