import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { compareText } from '@stadtdaten/sensorthings';

/**
 * The position after the last observation of a page: its phenomenon time and datastream id.
 * The store keeps one observation per (datastream, phenomenon time), so the pair is unique and
 * a page that follows it neither repeats nor skips observations when new ones arrive.
 */
export interface ObservationCursor {
  timeMs: number;
  datastreamId: string;
  order: 'asc' | 'desc';
}

/** Stable id of an observation in the SensorThings API: `<datastream id>@<phenomenon time in epoch ms>`. */
export function observationKey(datastreamId: string, phenomenonTimeMs: number): string {
  return `${datastreamId}@${phenomenonTimeMs}`;
}

/** Reads an observation key; undefined when the text is not one. */
export function parseObservationKey(key: string): { datastreamId: string; timeMs: number } | undefined {
  const at = key.lastIndexOf('@');
  const timeMs = Number(key.slice(at + 1));
  if (at <= 0 || !/^-?\d+$/.test(key.slice(at + 1)) || !Number.isSafeInteger(timeMs)) {
    return undefined;
  }

  return { datastreamId: key.slice(0, at), timeMs };
}

export function encodeCursor(cursor: ObservationCursor): string {
  return Buffer.from(JSON.stringify([cursor.order, cursor.timeMs, cursor.datastreamId])).toString(
    'base64url',
  );
}

export function decodeCursor(token: string): ObservationCursor {
  try {
    const [order, timeMs, datastreamId] = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      (order === 'asc' || order === 'desc') &&
      Number.isSafeInteger(timeMs) &&
      typeof datastreamId === 'string'
    ) {
      return { order, timeMs: timeMs as number, datastreamId };
    }
  } catch {
    // Falls through to the error below.
  }

  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `$skiptoken "${token.slice(0, 80)}" is not a token of this server; follow the @iot.nextLink as given`,
  );
}

/** Orders two (time, datastream) keys in the direction of the page. */
export function compareKeys(
  order: 'asc' | 'desc',
  aTime: number,
  aId: string,
  bTime: number,
  bId: string,
): number {
  const ascending = aTime !== bTime ? aTime - bTime : compareText(aId, bId);

  return order === 'asc' ? ascending : -ascending;
}
