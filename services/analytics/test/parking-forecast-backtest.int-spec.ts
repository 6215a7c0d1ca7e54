import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_DECODERS, type SourceRecord } from '@stadtdaten/connectors';
import { describeWithSamples, samplePath } from '@stadtdaten/testing';
import { type BacktestSeries, type HorizonScore, backtestTable, runBacktest } from '../src/forecast/forecast-backtest';
import { ParkingSeries } from '../src/forecast/parking-series';
import { SLOTS_PER_DAY, SLOT_MS, SlotCalendar } from '../src/forecast/slot-calendar';
import { toGrid } from '../src/forecast/time-grid';

const ARCHIVE = 'parking-archive_hessen_2021-02-01_2021-03-14.csv';
const META = 'parking-archive_meta_hessen.csv';
const START_MS = Date.parse('2021-02-01T00:00:00Z');
const DAYS = 42;
/** Scored origins start after two weeks: one week for the seasonal-naive baseline, one for the first fit. */
const FIRST_ORIGIN_DAY = 14;
const MAX_FILL_MS = 12 * 3_600_000;
const HORIZONS = [
  { label: '15 min', slots: 1 },
  { label: '1 h', slots: 4 },
  { label: '4 h', slots: 16 },
  { label: '24 h', slots: 96 },
];
const MODEL_OPTIONS = { trainingDays: 28, halfLifeDays: 7, coverage: 0.8 };
const PROFILE_WEEKS = 3;
/** The archive lists the Wiesbaden garages twice; the `wiesbaden-parken-*` columns are kept. */
const DUPLICATE_PREFIX = 'ffh-parken-wiesbaden-';
/** A facility is scored when it has a value in at least this share of the slots. */
const MIN_COVERAGE = 0.5;

function loadFacilities(dir: string): BacktestSeries[] {
  const decoder = SOURCE_DECODERS.find((candidate) => candidate.name === 'parking-archive-csv')!;
  const result = decoder.decode(readFileSync(join(dir, 'parking', ARCHIVE)), {
    sourceName: ARCHIVE,
    timeZone: 'Europe/Berlin',
    nowMs: Date.parse('2021-03-15T00:00:00Z'),
    options: { metaFile: join(dir, 'parking', META), maxFillMinutes: MAX_FILL_MS / 60_000 },
  });

  // Negative counts are what the device type's range (min 0) sends to the dead letter.
  const byPlace = new Map<string, SourceRecord[]>();
  for (const record of result.records) {
    if (typeof record.value === 'number' && record.value >= 0 && !record.featureKey.startsWith(DUPLICATE_PREFIX)) {
      const records = byPlace.get(record.featureKey) ?? [];
      records.push(record);
      byPlace.set(record.featureKey, records);
    }
  }

  const slots = DAYS * SLOTS_PER_DAY;
  const calendar = new SlotCalendar(START_MS, slots, 'Europe/Berlin', 'hesse');
  const capacities = new Map(result.features.map((feature) => [feature.key, Number(feature.properties?.capacity)]));
  const facilities: BacktestSeries[] = [];
  for (const [key, records] of byPlace) {
    const readings = records.map((record) => ({ timeMs: record.timeMs, value: record.value as number })).sort((a, b) => a.timeMs - b.timeMs);
    const grid = toGrid(readings, START_MS, slots, SLOT_MS, MAX_FILL_MS);
    const values = [...grid].filter((value) => !Number.isNaN(value));
    const max = Math.max(...values);
    // A facility with one value throughout is a stuck feed (Frankfurt Börse), not a forecast case.
    if (values.length < MIN_COVERAGE * slots || max === Math.min(...values)) {
      continue;
    }
    const capacity = Number.isFinite(capacities.get(key)) ? Math.max(capacities.get(key)!, max) : max;
    facilities.push({ key, series: new ParkingSeries(grid, calendar, PROFILE_WEEKS), capacity });
  }

  return facilities;
}

function writeDocs(scores: HorizonScore[], facilities: number): void {
  const root = join(__dirname, '..', '..', '..', 'docs');
  const notes = {
    en: `Facilities: ${facilities}. Origins: every hour from 2021-02-15 to 2021-03-14 (UTC), weights fitted once a day on data known at the origin.`,
    de: `Parkeinrichtungen: ${facilities}. Prognoseursprünge: stündlich vom 15.02.2021 bis 14.03.2021 (UTC), Gewichte einmal täglich auf den zum Ursprung bekannten Daten geschätzt.`,
  };
  for (const [file, language] of [['analytics.md', 'en'], ['analytics.de.md', 'de']] as const) {
    const path = join(root, file);
    const table = backtestTable(scores, MODEL_OPTIONS.coverage, language);
    const text = readFileSync(path, 'utf8');
    const replaced = text.replace(/<!-- backtest:start -->[\s\S]*<!-- backtest:end -->/, `<!-- backtest:start -->\n${notes[language]}\n\n${table}\n<!-- backtest:end -->`);
    writeFileSync(path, replaced);
  }
}

describeWithSamples('parking forecast backtest', () => {
  let facilities: BacktestSeries[];
  let scores: HorizonScore[];

  beforeAll(() => {
    facilities = loadFacilities(samplePath()!);
    scores = runBacktest(facilities, {
      ...MODEL_OPTIONS,
      horizons: HORIZONS,
      firstOrigin: FIRST_ORIGIN_DAY * SLOTS_PER_DAY,
      originStep: 4,
      refitEvery: SLOTS_PER_DAY,
      mapeMinActual: 10,
    });
    if (process.env.STADTDATEN_WRITE_BACKTEST === '1') {
      writeDocs(scores, facilities.length);
    }
  }, 300_000);

  it('scores most facilities', () => {
    expect(facilities.length).toBeGreaterThan(40);
  });

  it.each(HORIZONS.map((horizon) => horizon.label))('beats last value in MAE at %s', (label) => {
    const score = scores.find((entry) => entry.horizon === label)!;

    expect(score.samples).toBeGreaterThan(10_000);
    expect(score.model.mae).toBeLessThan(score.lastValue.mae);
  });

  it.each(HORIZONS.map((horizon) => horizon.label))('beats seasonal naive in MAE at %s', (label) => {
    const score = scores.find((entry) => entry.horizon === label)!;

    expect(score.model.mae).toBeLessThan(score.seasonalNaive.mae);
  });

  it.each(HORIZONS.map((horizon) => horizon.label))('beats both baselines in MAPE at %s', (label) => {
    const score = scores.find((entry) => entry.horizon === label)!;

    expect(score.model.mape).toBeLessThan(score.lastValue.mape);
    expect(score.model.mape).toBeLessThan(score.seasonalNaive.mape);
  });

  it('interval holds most actual values', () => {
    for (const score of scores) {
      expect(score.coverage).toBeGreaterThan(0.6);
    }
  });
});
