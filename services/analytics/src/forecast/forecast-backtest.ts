import { type FittedHorizon, type ForecastModelOptions, fitHorizon, forecastAt } from './parking-forecast.model';
import type { ParkingSeries } from './parking-series';

/** One facility in a backtest. */
export interface BacktestSeries {
  key: string;
  series: ParkingSeries;
  /** Upper bound of the forecasts (spaces). */
  capacity: number;
}

export interface BacktestOptions extends ForecastModelOptions {
  horizons: { label: string; slots: number }[];
  /** First origin (grid index) that is scored. */
  firstOrigin: number;
  /** Slots between two scored origins. */
  originStep: number;
  /** Slots between two fits of the weights. */
  refitEvery: number;
  /** Actual values below this many spaces are left out of the MAPE, where a few spaces would count as a huge percentage. */
  mapeMinActual: number;
}

export interface MethodScore {
  mae: number;
  mape: number;
}

export interface HorizonScore {
  horizon: string;
  /** Forecasts scored: origins where the actual value, the last value and the value a week before exist. */
  samples: number;
  mapeSamples: number;
  model: MethodScore;
  lastValue: MethodScore;
  seasonalNaive: MethodScore;
  /** Share of actual values inside the model's prediction interval. */
  coverage: number;
}

interface Totals {
  samples: number;
  mapeSamples: number;
  covered: number;
  intervals: number;
  absolute: [number, number, number];
  relative: [number, number, number];
}

/**
 * Rolling-origin backtest: at each scored origin the model forecasts every horizon with weights
 * fitted only on data known at the last refit, and is compared with the last value and the
 * seasonal-naive value (same local time a week earlier). Returns MAE, MAPE and interval
 * coverage per horizon, pooled over all facilities.
 */
export function runBacktest(facilities: BacktestSeries[], options: BacktestOptions): HorizonScore[] {
  const totals = options.horizons.map(() => emptyTotals());
  for (const facility of facilities) {
    options.horizons.forEach((horizon, index) => scoreHorizon(facility, horizon.slots, options, totals[index]));
  }

  return options.horizons.map((horizon, index) => toScore(horizon.label, totals[index]));
}

function scoreHorizon(facility: BacktestSeries, horizon: number, options: BacktestOptions, totals: Totals): void {
  const { series } = facility;
  let fitted: FittedHorizon | undefined;
  let fittedAt = Number.NEGATIVE_INFINITY;
  for (let origin = options.firstOrigin; origin + horizon < series.length; origin += options.originStep) {
    if (origin - fittedAt >= options.refitEvery) {
      fitted = fitHorizon(series, horizon, origin, options);
      fittedAt = origin;
    }
    const actual = series.value(origin + horizon);
    const last = series.value(origin);
    const seasonal = series.weekBefore(origin + horizon);
    if (Number.isNaN(actual) || Number.isNaN(last) || Number.isNaN(seasonal)) {
      continue;
    }
    const forecast = forecastAt(series, fitted!, origin, facility.capacity)!;
    add(totals, [forecast.value, last, seasonal], actual, options.mapeMinActual);
    if (forecast.lower !== undefined && forecast.upper !== undefined) {
      totals.intervals += 1;
      totals.covered += actual >= forecast.lower && actual <= forecast.upper ? 1 : 0;
    }
  }
}

function add(totals: Totals, predictions: [number, number, number], actual: number, mapeMinActual: number): void {
  totals.samples += 1;
  const relative = actual >= mapeMinActual;
  totals.mapeSamples += relative ? 1 : 0;
  predictions.forEach((prediction, method) => {
    const error = Math.abs(prediction - actual);
    totals.absolute[method] += error;
    if (relative) {
      totals.relative[method] += error / actual;
    }
  });
}

function emptyTotals(): Totals {
  return { samples: 0, mapeSamples: 0, covered: 0, intervals: 0, absolute: [0, 0, 0], relative: [0, 0, 0] };
}

function toScore(horizon: string, totals: Totals): HorizonScore {
  const method = (index: number): MethodScore => ({
    mae: totals.absolute[index] / Math.max(totals.samples, 1),
    mape: (100 * totals.relative[index]) / Math.max(totals.mapeSamples, 1),
  });

  return {
    horizon,
    samples: totals.samples,
    mapeSamples: totals.mapeSamples,
    model: method(0),
    lastValue: method(1),
    seasonalNaive: method(2),
    coverage: totals.intervals === 0 ? Number.NaN : totals.covered / totals.intervals,
  };
}

const HEADERS = {
  en: ['horizon', 'forecasts', 'MAE model', 'MAE last value', 'MAE seasonal naive', 'MAPE model', 'MAPE last value', 'MAPE seasonal naive', 'interval coverage (nominal {coverage} %)'],
  de: ['Horizont', 'Prognosen', 'MAE Modell', 'MAE letzter Wert', 'MAE saisonal naiv', 'MAPE Modell', 'MAPE letzter Wert', 'MAPE saisonal naiv', 'Intervall-Abdeckung (Soll {coverage} %)'],
};

/** Formats the scores as a Markdown table, with English or German headers and number format. */
export function backtestTable(scores: HorizonScore[], coverage: number, language: 'en' | 'de' = 'en'): string {
  const number = (value: number, digits: number) => (language === 'de' ? value.toFixed(digits).replace('.', ',') : value.toFixed(digits));
  const headers = HEADERS[language].map((header) => header.replace('{coverage}', String(Math.round(coverage * 100))));
  const rows = scores.map((score) => [
    score.horizon,
    String(score.samples),
    number(score.model.mae, 2),
    number(score.lastValue.mae, 2),
    number(score.seasonalNaive.mae, 2),
    `${number(score.model.mape, 2)} %`,
    `${number(score.lastValue.mape, 2)} %`,
    `${number(score.seasonalNaive.mape, 2)} %`,
    `${number(100 * score.coverage, 1)} %`,
  ]);

  return [`| ${headers.join(' | ')} |`, `|---|${'---:|'.repeat(headers.length - 1)}`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}
