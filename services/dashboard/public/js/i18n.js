// Language choice, translation lookup and locale-aware formatting. The strings live in
// js/strings/*.js, which register themselves with addStrings. German is the default. A stored
// choice wins, else the first of German or English in the browser's languages, which is the
// list the browser also sends as Accept-Language.

const STORAGE_KEY = 'stadtdaten.language';
export const LANGUAGES = ['de', 'en'];
export const TIME_ZONE = 'Europe/Berlin';

const STRINGS = { de: {}, en: {} };
const listeners = [];

/** Adds translations: `{ de: { key: text }, en: { key: text } }`. */
export function addStrings(strings) {
  for (const language of LANGUAGES) {
    Object.assign(STRINGS[language], strings[language] ?? {});
  }
}

function readStoredLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(stored) ? stored : null;
  } catch {
    // Storage can be blocked by privacy settings; the browser languages decide then.
    return null;
  }
}

/** Returns de or en from the browser's preferred languages, German when neither is listed. */
export function browserLanguage(preferred = navigator.languages ?? [navigator.language]) {
  for (const tag of preferred) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(primary)) {
      return primary;
    }
  }
  return 'de';
}

let language = readStoredLanguage() ?? browserLanguage();

export function getLanguage() {
  return language;
}

/** Switches the language, stores it, retranslates the page and notifies the pages' listeners. */
export function setLanguage(next) {
  if (!LANGUAGES.includes(next) || next === language) {
    return;
  }
  language = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // The choice then lasts for this page only.
  }
  applyTranslations();
  for (const listener of listeners) {
    listener(next);
  }
}

export function onLanguageChange(listener) {
  listeners.push(listener);
}

/** Returns the string for the key in the current language, with {name} placeholders filled in. */
export function t(key, params = {}) {
  const template = STRINGS[language][key] ?? STRINGS.de[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function hasString(key) {
  return key in STRINGS[language];
}

/** Sets <html lang> and fills elements marked with data-i18n, data-i18n-aria-label or data-i18n-placeholder. */
export function applyTranslations(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-aria-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nAriaLabel));
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.setAttribute('placeholder', t(element.dataset.i18nPlaceholder));
  }
}

/** Returns the BCP 47 locale of the current language, for Intl formatters. */
export function locale() {
  return language === 'de' ? 'de-DE' : 'en-GB';
}

const dateTimeFormats = new Map();

function dateTimeFormat(options) {
  const key = `${locale()}|${JSON.stringify(options)}`;
  if (!dateTimeFormats.has(key)) {
    dateTimeFormats.set(key, new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, ...options }));
  }
  return dateTimeFormats.get(key);
}

/** Formats an ISO 8601 time or epoch ms in Europe/Berlin with the zone name, e.g. "04.12.2026, 20:15 MEZ". */
export function formatDateTime(time) {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) {
    return String(time);
  }
  return dateTimeFormat({
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** Formats a day in Europe/Berlin, e.g. "04.12.2026". */
export function formatDate(time) {
  return dateTimeFormat({ day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(time));
}

/** Formats an axis tick in Europe/Berlin: the date for steps of a day or more, else the time of day. */
export function formatTick(time, stepSeconds) {
  const options = stepSeconds >= 86_400 ? { day: '2-digit', month: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return dateTimeFormat(options).format(new Date(time));
}

/** Returns the unit's label in the current language; the API sends it as { de, en }. */
export function unitLabel(unit) {
  const label = unit?.label;
  if (label && typeof label === 'object') {
    return label[language] ?? label.de ?? '';
  }
  return typeof label === 'string' ? label : '';
}

/**
 * Returns the unit text shown after a value: the symbol, or the label where the symbol is empty
 * (UCUM annotations such as {spaces}) or only a rate suffix such as "/15 min".
 */
export function unitSymbol(unit) {
  const symbol = unit?.symbol ?? '';
  if (symbol && !symbol.startsWith('/')) {
    return symbol;
  }
  return unitLabel(unit) || symbol || unit?.code || '';
}

/** Formats a result of any JSON type for display; numbers get the locale's separators. */
export function formatResult(result) {
  if (typeof result === 'number') {
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 }).format(result);
  }
  if (typeof result === 'boolean') {
    return result ? t('common.yes') : t('common.no');
  }
  if (result === null || result === undefined) {
    return t('common.noValue');
  }
  return typeof result === 'string' ? result : JSON.stringify(result);
}

/** UCUM codes of plain counts and ratios, which need no unit text after the number. */
const UNITLESS_CODES = new Set(['1', '{count}']);

/** Formats a value with its unit text, e.g. "42 µg/m³" or "120 Stellplätze"; plain counts get none. */
export function formatValueWithUnit(result, unit) {
  const text = unit && typeof result === 'number' && !UNITLESS_CODES.has(unit.code) ? unitSymbol(unit) : '';
  return text ? `${formatResult(result)} ${text}` : formatResult(result);
}
