// Marker colour and short text per use case. Colour never carries meaning alone: each marker
// also shows the short text, and the legend, the layer switches and the list name the use case
// in words. Every colour has a contrast of at least 4.5:1 against white text.
import { getLanguage, hasString, t } from './i18n.js';

/** Use cases of the registry (libs/registry vocabulary), in the order the layer list shows them. */
export const USE_CASES = [
  'parking',
  'air-quality',
  'waste',
  'bike-counts',
  'traffic',
  'ev-charging',
  'water-temperature',
  'visitors',
  'weather',
  'energy',
  'other',
];

const USE_CASE_STYLES = {
  parking: { color: '#1f4e99', short: { de: 'P', en: 'P' } },
  'air-quality': { color: '#2e6b30', short: { de: 'L', en: 'AQ' } },
  waste: { color: '#6b4f1d', short: { de: 'A', en: 'W' } },
  'bike-counts': { color: '#7b1fa2', short: { de: 'R', en: 'B' } },
  traffic: { color: '#b3261e', short: { de: 'V', en: 'T' } },
  weather: { color: '#005f73', short: { de: 'W', en: 'WX' } },
  'water-temperature': { color: '#0b3d91', short: { de: 'WT', en: 'WT' } },
  visitors: { color: '#8a3b00', short: { de: 'B', en: 'V' } },
  energy: { color: '#5c5200', short: { de: 'E', en: 'E' } },
  'ev-charging': { color: '#00695c', short: { de: 'LS', en: 'EV' } },
  other: { color: '#424242', short: { de: '?', en: '?' } },
};

/** Returns colour, short text and translated label of a use case; unknown ones render as "other". */
export function useCaseStyle(useCase) {
  const style = USE_CASE_STYLES[useCase] ?? USE_CASE_STYLES.other;
  const labelKey = `useCase.${useCase}`;

  return {
    color: style.color,
    short: style.short[getLanguage()],
    label: hasString(labelKey) ? t(labelKey) : useCase,
  };
}

/** Returns the use case's plain-language description for the layer list and its page. */
export function useCaseDescription(useCase) {
  const key = `useCase.${useCase}.description`;
  return hasString(key) ? t(key) : '';
}
