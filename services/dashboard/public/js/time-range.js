// The time range and aggregation of a chart view, kept in the page address so that a view can
// be bookmarked and shared: range=24h|7d|30d|365d|custom, from/to=YYYY-MM-DD (days in
// Europe/Berlin, `to` inclusive), aggregation=raw|15m|1h|1d and aggregate=mean|min|max|sum.
import { TIME_ZONE } from './i18n.js';

const HOUR_MS = 3_600_000;
export const RANGES_MS = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS, '365d': 365 * 24 * HOUR_MS };
export const AGGREGATIONS = ['raw', '15m', '1h', '1d'];
export const AGGREGATE_FUNCTIONS = ['mean', 'min', 'max', 'sum'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the view from URL parameters; unknown values fall back to the defaults. */
export function readView(params, defaults = {}) {
  const range = params.get('range') === 'custom' || params.get('range') in RANGES_MS ? params.get('range') : (defaults.range ?? '24h');
  const view = {
    range,
    from: DAY.test(params.get('from') ?? '') ? params.get('from') : null,
    to: DAY.test(params.get('to') ?? '') ? params.get('to') : null,
    aggregation: AGGREGATIONS.includes(params.get('aggregation')) ? params.get('aggregation') : (defaults.aggregation ?? 'raw'),
    aggregate: AGGREGATE_FUNCTIONS.includes(params.get('aggregate')) ? params.get('aggregate') : 'mean',
  };
  if (view.range === 'custom' && (!view.from || !view.to)) {
    view.range = defaults.range ?? '24h';
  }
  return view;
}

/** Writes the view into URL parameters, keeping the other parameters. */
export function writeView(params, view) {
  params.set('range', view.range);
  params.set('aggregation', view.aggregation);
  params.set('aggregate', view.aggregate);
  for (const name of ['from', 'to']) {
    if (view.range === 'custom' && view[name]) {
      params.set(name, view[name]);
    } else {
      params.delete(name);
    }
  }
  return params;
}

/** Offset of Europe/Berlin from UTC at an instant, in milliseconds. */
function berlinOffsetMs(utcMs) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(utcMs))
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Returns the UTC epoch ms of midnight at the start of a day (YYYY-MM-DD) in Europe/Berlin. */
export function berlinMidnightMs(day) {
  const [year, month, date] = day.split('-').map(Number);
  const guess = Date.UTC(year, month - 1, date);
  const first = guess - berlinOffsetMs(guess);
  // Near a change of offset the first estimate uses the wrong offset; a second pass corrects it.
  return guess - berlinOffsetMs(first);
}

/** Returns the day (YYYY-MM-DD) in Europe/Berlin of an instant. */
export function berlinDay(timeMs) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(timeMs));
}

/** Returns { fromMs, toMs } of a view; a preset range ends at `nowMs`, a custom one at the end of its last day. */
export function timeSpan(view, nowMs) {
  if (view.range === 'custom') {
    const fromMs = berlinMidnightMs(view.from);
    const [year, month, date] = view.to.split('-').map(Number);
    const nextDay = new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
    return { fromMs, toMs: berlinMidnightMs(nextDay) };
  }
  return { fromMs: nowMs - RANGES_MS[view.range], toMs: nowMs };
}

/** Returns the query parameters of the observations route for a view and time span. */
export function observationQuery(view, span, rawLimit) {
  const query = new URLSearchParams({ from: new Date(span.fromMs).toISOString(), to: new Date(span.toMs).toISOString() });
  if (view.aggregation === 'raw') {
    query.set('limit', String(rawLimit));
  } else {
    query.set('aggregate', view.aggregate);
    query.set('interval', view.aggregation);
  }
  return query;
}
