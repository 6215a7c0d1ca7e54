/**
 * Unit codes of the Unified Code for Units of Measure (UCUM, case-sensitive form) that
 * catalogs may use, with a display symbol and German and English labels. Curly braces are UCUM annotations: they
 * name what is counted and have the value 1.
 */
export interface UnitInfo {
  symbol: string;
  de: string;
  en: string;
}

export const UCUM_UNITS: Readonly<Record<string, UnitInfo>> = {
  '1': { symbol: '', de: 'Anzahl (dimensionslos)', en: 'count (dimensionless)' },
  '{count}': { symbol: '', de: 'Anzahl', en: 'count' },
  '{spaces}': { symbol: '', de: 'Stellplätze', en: 'parking spaces' },
  '{vehicles}': { symbol: '', de: 'Fahrzeuge', en: 'vehicles' },
  '{vehicles}/h': { symbol: '/h', de: 'Fahrzeuge pro Stunde', en: 'vehicles per hour' },
  '{bicycles}': { symbol: '', de: 'Fahrräder', en: 'bicycles' },
  '{bicycles}/(15.min)': { symbol: '/15 min', de: 'Fahrräder je 15 Minuten', en: 'bicycles per 15 minutes' },
  '{visitors}': { symbol: '', de: 'Besucher', en: 'visitors' },
  '{sessions}': { symbol: '', de: 'Ladevorgänge', en: 'charging sessions' },
  '%': { symbol: '%', de: 'Prozent', en: 'percent' },
  'ug/m3': { symbol: 'µg/m³', de: 'Mikrogramm pro Kubikmeter', en: 'micrograms per cubic metre' },
  'mg/m3': { symbol: 'mg/m³', de: 'Milligramm pro Kubikmeter', en: 'milligrams per cubic metre' },
  '[ppm]': { symbol: 'ppm', de: 'Teile pro Million', en: 'parts per million' },
  '[ppb]': { symbol: 'ppb', de: 'Teile pro Milliarde', en: 'parts per billion' },
  Cel: { symbol: '°C', de: 'Grad Celsius', en: 'degrees Celsius' },
  K: { symbol: 'K', de: 'Kelvin', en: 'kelvin' },
  hPa: { symbol: 'hPa', de: 'Hektopascal', en: 'hectopascals' },
  lx: { symbol: 'lx', de: 'Lux', en: 'lux' },
  'W/m2': { symbol: 'W/m²', de: 'Watt pro Quadratmeter', en: 'watts per square metre' },
  mm: { symbol: 'mm', de: 'Millimeter', en: 'millimetres' },
  'mm/h': { symbol: 'mm/h', de: 'Millimeter pro Stunde', en: 'millimetres per hour' },
  cm: { symbol: 'cm', de: 'Zentimeter', en: 'centimetres' },
  m: { symbol: 'm', de: 'Meter', en: 'metres' },
  km: { symbol: 'km', de: 'Kilometer', en: 'kilometres' },
  'm/s': { symbol: 'm/s', de: 'Meter pro Sekunde', en: 'metres per second' },
  'km/h': { symbol: 'km/h', de: 'Kilometer pro Stunde', en: 'kilometres per hour' },
  deg: { symbol: '°', de: 'Grad', en: 'degrees' },
  s: { symbol: 's', de: 'Sekunden', en: 'seconds' },
  min: { symbol: 'min', de: 'Minuten', en: 'minutes' },
  h: { symbol: 'h', de: 'Stunden', en: 'hours' },
  '/h': { symbol: '/h', de: 'pro Stunde', en: 'per hour' },
  V: { symbol: 'V', de: 'Volt', en: 'volts' },
  mV: { symbol: 'mV', de: 'Millivolt', en: 'millivolts' },
  A: { symbol: 'A', de: 'Ampere', en: 'amperes' },
  W: { symbol: 'W', de: 'Watt', en: 'watts' },
  kW: { symbol: 'kW', de: 'Kilowatt', en: 'kilowatts' },
  MW: { symbol: 'MW', de: 'Megawatt', en: 'megawatts' },
  'kW.h': { symbol: 'kWh', de: 'Kilowattstunden', en: 'kilowatt hours' },
  'MW.h': { symbol: 'MWh', de: 'Megawattstunden', en: 'megawatt hours' },
  L: { symbol: 'l', de: 'Liter', en: 'litres' },
  m3: { symbol: 'm³', de: 'Kubikmeter', en: 'cubic metres' },
  'm3/h': { symbol: 'm³/h', de: 'Kubikmeter pro Stunde', en: 'cubic metres per hour' },
  kg: { symbol: 'kg', de: 'Kilogramm', en: 'kilograms' },
  'dB[SPL]': { symbol: 'dB', de: 'Dezibel (Schalldruckpegel)', en: 'decibels (sound pressure level)' },
};

/** Common spellings that are not UCUM codes, mapped to the code to use instead. */
const NON_UCUM_SPELLINGS: Readonly<Record<string, string>> = {
  'µg/m3': 'ug/m3',
  'µg/m³': 'ug/m3',
  'ug/m³': 'ug/m3',
  '°C': 'Cel',
  C: 'Cel',
  degC: 'Cel',
  celsius: 'Cel',
  ppm: '[ppm]',
  ppb: '[ppb]',
  kWh: 'kW.h',
  MWh: 'MW.h',
  l: 'L',
  'm³': 'm3',
  '°': 'deg',
  percent: '%',
  count: '{count}',
  spaces: '{spaces}',
  dB: 'dB[SPL]',
};

export function isKnownUnit(code: string): boolean {
  return Object.hasOwn(UCUM_UNITS, code);
}

export function unitInfo(code: string): UnitInfo {
  // Stored codes passed the catalog check; a code removed from the table later still shows as itself.
  return UCUM_UNITS[code] ?? { symbol: code, de: code, en: code };
}

/** Builds the error text for a unit code missing from the table, with the fix. */
export function describeUnknownUnit(code: string): string {
  const suggestion = NON_UCUM_SPELLINGS[code];
  const known = Object.keys(UCUM_UNITS).join(', ');
  if (suggestion !== undefined) {
    return `unit "${code}" is not a UCUM code; write "${suggestion}" instead`;
  }

  return `unknown unit "${code}"; use one of the UCUM codes ${known}, or add the code to libs/registry/src/ucum-units.ts`;
}
