/**
 * The air-quality index (Luftqualitätsindex, LQI) of the Umweltbundesamt: each pollutant's
 * concentration in µg/m³ falls into a class from 1 (sehr gut) to 5 (sehr schlecht), and the
 * worst pollutant decides the index.
 *
 * Band limits (upper bound of classes 1 to 4; above the last is class 5):
 * - `uba-2025`: the revised index, hourly means of every pollutant, from the UBA page
 *   "Der Luftqualitätsindex (LQI) des Umweltbundesamtes"
 *   (https://www.umweltbundesamt.de/der-luftqualitaetsindex-lqi-des-umweltbundesamtes).
 * - `uba-2019`: the earlier index, hourly means of NO2 and O3 and moving 24-hour means of PM10
 *   and PM2.5, from the UBA page "Berechnungsgrundlagen Luftqualitätsindex"
 *   (https://www.umweltbundesamt.de/berechnungsgrundlagen-luftqualitaetsindex).
 */
export const POLLUTANTS = ['no2', 'pm10', 'pm2_5', 'o3'] as const;

export type Pollutant = (typeof POLLUTANTS)[number];

export type UbaScheme = 'uba-2025' | 'uba-2019';

export const UBA_BANDS: Readonly<Record<UbaScheme, Readonly<Record<Pollutant, readonly number[]>>>> = {
  'uba-2025': { no2: [10, 30, 60, 100], pm10: [9, 27, 54, 90], pm2_5: [5, 15, 30, 50], o3: [24, 72, 144, 240] },
  'uba-2019': { no2: [20, 40, 100, 200], pm10: [20, 35, 50, 100], pm2_5: [10, 20, 25, 50], o3: [60, 120, 180, 240] },
};

/** Hours each pollutant's mean covers in a scheme: 1 (hourly mean) or 24 (moving 24-hour mean). */
export const AVERAGING_HOURS: Readonly<Record<UbaScheme, Readonly<Record<Pollutant, number>>>> = {
  'uba-2025': { no2: 1, pm10: 1, pm2_5: 1, o3: 1 },
  'uba-2019': { no2: 1, pm10: 24, pm2_5: 24, o3: 1 },
};

/**
 * Class of one concentration. The bands are written in whole µg/m³ ("10-27"), so the value is
 * rounded to a whole number first: 9.4 is class 1 and 9.5 class 2 in the PM10 bands of uba-2025.
 */
export function pollutantClass(scheme: UbaScheme, pollutant: Pollutant, concentration: number): number {
  const rounded = Math.round(concentration);
  const limits = UBA_BANDS[scheme][pollutant];
  const band = limits.findIndex((limit) => rounded <= limit);

  return band === -1 ? limits.length + 1 : band + 1;
}

/**
 * Computes the index of a station from the concentrations it has (at least one). The pollutant
 * with the worst class decides, and of equal classes the first in POLLUTANTS order.
 */
export function airQualityIndex(scheme: UbaScheme, concentrations: Partial<Record<Pollutant, number>>): { index: number; pollutant: Pollutant } | undefined {
  let worst: { index: number; pollutant: Pollutant } | undefined;
  for (const pollutant of POLLUTANTS) {
    const concentration = concentrations[pollutant];
    if (concentration === undefined || !Number.isFinite(concentration)) {
      continue;
    }
    const index = pollutantClass(scheme, pollutant, concentration);
    if (worst === undefined || index > worst.index) {
      worst = { index, pollutant };
    }
  }

  return worst;
}
