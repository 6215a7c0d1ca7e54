// The headline value of a thing per use case (free spaces, air-quality index, fill level, …),
// for the map marker, the list and the use-case pages.
import { formatDateTime, formatResult, formatValueWithUnit, locale, t } from './i18n.js';

/**
 * Classes of the air-quality index (Luftqualitätsindex) of the Umweltbundesamt, with the upper
 * bound of each class in µg/m³ per pollutant, as the UBA page "Der Luftqualitätsindex (LQI) des
 * Umweltbundesamtes" lists them (hourly means). Colours follow the usual index scale from
 * turquoise to dark red; `text` is the text colour with at least 4.5:1 contrast on it.
 */
const AIR_QUALITY_CLASSES = [
  { level: 1, key: 'veryGood', color: '#50f0e6', text: '#1a1a1a' },
  { level: 2, key: 'good', color: '#50ccaa', text: '#1a1a1a' },
  { level: 3, key: 'moderate', color: '#f0e641', text: '#1a1a1a' },
  { level: 4, key: 'poor', color: '#ff5050', text: '#1a1a1a' },
  { level: 5, key: 'veryPoor', color: '#960032', text: '#ffffff' },
];

const AIR_QUALITY_BOUNDS = {
  pm10: [9, 27, 54, 90],
  pm2_5: [5, 15, 30, 50],
  o3: [24, 72, 144, 240],
  no2: [10, 30, 60, 100],
  so2: [10, 30, 60, 100],
};

/** Observed property ids the index reads, with common spellings of catalogs and samples. */
const POLLUTANT_ALIASES = { pm25: 'pm2_5', 'pm2.5': 'pm2_5', ozone: 'o3' };

/**
 * Observed properties of the index that the analytics job air-quality-index writes per station
 * (datastreams `aqi-<thing>.index` and `aqi-<thing>.dominant_pollutant`, docs/analytics.md).
 */
const INDEX_PROPERTY = 'air_quality_index';
const INDEX_POLLUTANT_PROPERTY = 'air_quality_index_pollutant';

/**
 * Maximum time from the start of the index hour to the newest pollutant reading, in
 * milliseconds, before the index counts as outdated. The job computes the last complete hours
 * every 15 minutes by default, so a current index starts at most about 2¼ hours before the
 * newest reading.
 */
const INDEX_MAX_LAG_MS = 3 * 3_600_000;

/** Names of the pollutants the index names, where the station has no datastream of that property. */
const POLLUTANT_NAMES = { no2: 'NO₂', pm10: 'PM10', pm2_5: 'PM2.5', o3: 'O₃' };

/** Returns the index class of one pollutant concentration in µg/m³, or null for other properties. */
export function airQualityClass(pollutant, microgramsPerCubicMetre) {
  const bounds = AIR_QUALITY_BOUNDS[POLLUTANT_ALIASES[pollutant] ?? pollutant];
  if (!bounds || typeof microgramsPerCubicMetre !== 'number' || !Number.isFinite(microgramsPerCubicMetre)) {
    return null;
  }
  const index = bounds.findIndex((upper) => microgramsPerCubicMetre <= upper);
  return AIR_QUALITY_CLASSES[index === -1 ? 4 : index];
}

/** Returns every index class with its translated name, for the legend. */
export function airQualityClasses() {
  return AIR_QUALITY_CLASSES.map((entry) => ({ ...entry, name: t(`airQuality.${entry.key}`) }));
}

function airQualityName(entry) {
  return t(`airQuality.${entry.key}`);
}

function propertyId(datastream) {
  return datastream.observedProperty?.id ?? '';
}

function latestNumber(datastream, latest) {
  const entry = latest.get(datastream.id);
  return entry && typeof entry.result === 'number' ? entry.result : undefined;
}

/** Writes a number in at most about four characters for a marker: 7, 42, 380, 1,2k. */
export function compactNumber(value) {
  const magnitude = Math.abs(value);
  if (magnitude >= 10_000) {
    return new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 0 }).format(value);
  }
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: magnitude >= 10 ? 0 : 1 }).format(value);
}

function timeMs(entry) {
  return entry ? Date.parse(entry.phenomenonTime) : Number.NaN;
}

function pollutantName(pollutant, datastreams) {
  const datastream = datastreams.find((candidate) => (POLLUTANT_ALIASES[propertyId(candidate)] ?? propertyId(candidate)) === pollutant);
  return datastream?.observedProperty?.name ?? POLLUTANT_NAMES[pollutant] ?? pollutant;
}

/**
 * Returns the summary from the analytics index of the station, or null where the station has no
 * index value or the newest one is outdated against the pollutant readings.
 */
function airQualityIndexSummary(datastreams, latest) {
  const indexStream = datastreams.find((datastream) => propertyId(datastream) === INDEX_PROPERTY);
  const entry = indexStream ? latest.get(indexStream.id) : undefined;
  const level = entry?.result;
  if (!Number.isInteger(level) || level < 1 || level > AIR_QUALITY_CLASSES.length) {
    return null;
  }
  const hourMs = timeMs(entry);
  const newestReadingMs = Math.max(...datastreams.filter((datastream) => datastream.unit?.code === 'ug/m3').map((datastream) => timeMs(latest.get(datastream.id))).filter(Number.isFinite));
  if (!Number.isFinite(hourMs) || newestReadingMs - hourMs > INDEX_MAX_LAG_MS) {
    return null;
  }
  // The pollutant belongs to the index only when it was written for the same hour.
  const pollutantStream = datastreams.find((datastream) => propertyId(datastream) === INDEX_POLLUTANT_PROPERTY);
  const pollutantEntry = pollutantStream ? latest.get(pollutantStream.id) : undefined;
  const pollutant = typeof pollutantEntry?.result === 'string' && timeMs(pollutantEntry) === hourMs ? pollutantName(pollutantEntry.result, datastreams) : null;
  const entryClass = AIR_QUALITY_CLASSES[level - 1];
  const params = { name: airQualityName(entryClass), level, pollutant };
  return {
    text: String(level),
    label: t(pollutant ? 'airQuality.summaryIndex' : 'airQuality.summaryIndexOnly', params),
    color: entryClass.color,
    textColor: entryClass.text,
    level,
    source: 'index',
    hourMs,
  };
}

function airQualitySummary(datastreams, latest) {
  // NOTE: rates the latest single value, while the UBA rates hourly means, so a short peak shows a worse level than the UBA's.
  let worst = null;
  let pollutant = null;
  for (const datastream of datastreams) {
    // The index is defined for µg/m³; a datastream in another unit is left out.
    if (datastream.unit?.code !== 'ug/m3') {
      continue;
    }
    const entry = airQualityClass(propertyId(datastream), latestNumber(datastream, latest));
    if (entry && (!worst || entry.level > worst.level)) {
      worst = entry;
      pollutant = datastream.observedProperty?.name ?? propertyId(datastream);
    }
  }
  if (!worst) {
    return null;
  }
  const name = airQualityName(worst);
  return {
    text: String(worst.level),
    label: t('airQuality.summary', { name, level: worst.level, pollutant }),
    color: worst.color,
    textColor: worst.text,
    level: worst.level,
    source: 'latest',
  };
}

/** Returns the sentence that names where an air-quality level comes from, or '' for other summaries. */
export function summarySourceText(summary) {
  if (summary?.source === 'index') {
    return t('airQuality.sourceIndex', { hour: formatDateTime(summary.hourMs) });
  }
  return summary?.source === 'latest' ? t('airQuality.sourceLatest') : '';
}

function byProperty(datastreams, pattern) {
  return datastreams.find((datastream) => pattern.test(propertyId(datastream)) || pattern.test(datastream.field ?? ''));
}

function parkingSummary(datastreams, latest) {
  const free = byProperty(datastreams, /free/);
  const freeValue = free ? latestNumber(free, latest) : undefined;
  if (freeValue === undefined) {
    return null;
  }
  const capacity = byProperty(datastreams, /capacity/);
  const capacityValue = capacity ? latestNumber(capacity, latest) : undefined;
  const label =
    capacityValue === undefined
      ? t('parking.free', { free: formatResult(freeValue) })
      : t('parking.freeOf', { free: formatResult(freeValue), capacity: formatResult(capacityValue) });
  return { text: compactNumber(freeValue), label };
}

/** Finds the first datastream whose latest value is a number, preferring the given property pattern. */
function firstNumeric(datastreams, latest, preferred) {
  const ordered = preferred ? [...datastreams].sort((a, b) => Number(!preferred.test(propertyId(a))) - Number(!preferred.test(propertyId(b)))) : datastreams;
  return ordered.find((datastream) => latestNumber(datastream, latest) !== undefined);
}

function numericSummary(datastreams, latest, preferred) {
  const datastream = firstNumeric(datastreams, latest, preferred);
  if (!datastream) {
    return null;
  }
  const value = latestNumber(datastream, latest);
  const property = datastream.observedProperty?.name ?? datastream.name;
  return { text: compactNumber(value), label: `${property}: ${formatValueWithUnit(value, datastream.unit)}` };
}

const PREFERRED_PROPERTIES = {
  waste: /fill/,
  'bike-counts': /bicycle|bike|count/,
  traffic: /vehicle|traffic|count/,
  'ev-charging': /available|status|point/,
  'water-temperature': /water_temperature|temperature/,
  visitors: /occupancy|visitor|people/,
  weather: /air_temperature|temperature/,
};

/**
 * Returns `{ text, label, color?, textColor?, level?, source? }` for a thing: `text` fits on a map
 * marker, and `label` states the same in words. For air quality, `source` is `index` where the
 * analytics index of the station is current (with `hourMs`, the start of its hour), else
 * `latest`, a level from the newest single values. Returns null while the thing has no latest value.
 */
export function summarizeThing(thing, datastreams, latest) {
  if (thing.useCase === 'air-quality') {
    const summary = airQualityIndexSummary(datastreams, latest) ?? airQualitySummary(datastreams, latest);
    if (summary) {
      return summary;
    }
  }
  if (thing.useCase === 'parking') {
    const summary = parkingSummary(datastreams, latest);
    if (summary) {
      return summary;
    }
  }
  return numericSummary(datastreams, latest, PREFERRED_PROPERTIES[thing.useCase]);
}

/** Time window over which the trend compares values. */
export const TREND_WINDOW_MS = 3_600_000;

/**
 * Compares the last value with the value about TREND_WINDOW_MS earlier (the earliest within the
 * window when none is older). Returns { direction: 'up' | 'down' | 'steady', symbol, label } or
 * null with fewer than two numbers. Changes below 1 % of the earlier value count as steady.
 */
export function trendOf(points) {
  const numbers = points.filter((point) => typeof point.value === 'number').sort((a, b) => a.time - b.time);
  if (numbers.length < 2) {
    return null;
  }
  const last = numbers[numbers.length - 1];
  const windowStart = last.time - TREND_WINDOW_MS;
  const earlier = [...numbers].reverse().find((point) => point.time <= windowStart) ?? numbers[0];
  if (earlier === last) {
    return null;
  }
  const difference = last.value - earlier.value;
  const threshold = Math.max(Math.abs(earlier.value) * 0.01, Number.EPSILON);
  let direction = 'steady';
  if (Math.abs(difference) >= threshold) {
    direction = difference > 0 ? 'up' : 'down';
  }
  const symbol = { up: '↑', down: '↓', steady: '→' }[direction];

  const rounded = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(Math.abs(difference));

  return { direction, symbol, label: t(`trend.${direction}`, { difference: rounded }) };
}
