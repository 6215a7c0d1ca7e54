/**
 * Public holidays of Hesse by § 1 of the Hessisches Feiertagsgesetz (HFeiertagsG): New Year's
 * Day, Good Friday, Easter Monday, 1 May, Ascension Day, Whit Monday, Corpus Christi, German
 * Unity Day (3 October) and Christmas Day and the day after. Easter Sunday and Whit Sunday are
 * Sundays anyway. Returns the dates of `year` as `YYYY-MM-DD`.
 */
export function hesseHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const shifted = (days: number) => isoDate(new Date(easter.getTime() + days * 86_400_000));

  return [
    `${year}-01-01`,
    shifted(-2),
    shifted(1),
    `${year}-05-01`,
    shifted(39),
    shifted(50),
    shifted(60),
    `${year}-10-03`,
    `${year}-12-25`,
    `${year}-12-26`,
  ].sort();
}

/** Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm), as a UTC date. */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;

  return new Date(Date.UTC(year, month - 1, day));
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
