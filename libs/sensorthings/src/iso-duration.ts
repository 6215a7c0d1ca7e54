const DURATION =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNIT_MS = [604_800_000, 86_400_000, 3_600_000, 60_000, 1000];

/**
 * Parses an ISO 8601 duration of weeks, days, hours, minutes and seconds (`PT1H`, `P1D`,
 * `PT0.5S`) into milliseconds. Years and months have no fixed length, so they return undefined,
 * as does any other invalid text.
 */
export function parseIsoDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === 'P' || text.endsWith('T')) {
    return undefined;
  }
  let ms = 0;
  for (let index = 0; index < UNIT_MS.length; index += 1) {
    const part = match[index + 1];
    if (part !== undefined) {
      ms += Number(part) * UNIT_MS[index];
    }
  }

  return Math.round(ms);
}

/** Formats milliseconds as an ISO 8601 duration of days, hours, minutes and seconds. */
export function formatIsoDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${seconds > 0 ? `${seconds}S` : ''}`;
  const body = `${days > 0 ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`;

  return `${sign}P${body === '' ? 'T0S' : body}`;
}
