// UI strings in German (default) and English, the language choice and locale-aware formatting.
// The choice is stored in localStorage and sets <html lang>.

const STORAGE_KEY = 'stadtdaten.language';
export const LANGUAGES = ['de', 'en'];
const TIME_ZONE = 'Europe/Berlin';

const STRINGS = {
  de: {
    'common.siteTitle': 'Stadtdaten Darmstadt',
    'common.skipLink': 'Zum Inhalt springen',
    'common.navLabel': 'Hauptnavigation',
    'common.navMap': 'Karte',
    'common.navRejections': 'Abgewiesene Nachrichten',
    'common.languageSwitch': 'English',
    'common.languageSwitchLabel': 'Switch to English',
    'common.loading': 'Daten werden geladen …',
    'common.loadFailed': 'Laden fehlgeschlagen: {message}',
    'common.noValue': 'kein Wert',
    'common.yes': 'ja',
    'common.no': 'nein',
    'common.timeZoneNote': 'Zeiten in deutscher Zeit (MEZ/MESZ).',
    'common.footer': 'Offene Stadtdaten der Wissenschaftsstadt Darmstadt.',
    'common.tenant': 'Mandant: {tenant}',

    'map.title': 'Karte – Stadtdaten Darmstadt',
    'map.heading': 'Messpunkte in Darmstadt',
    'map.intro': 'Die Karte zeigt alle öffentlichen Messpunkte mit ihren neuesten Werten. Dieselben Angaben stehen in der Liste unter der Karte.',
    'map.mapHeading': 'Karte',
    'map.mapLabel': 'Karte der Messpunkte',
    'map.outlineNote': 'Ohne Kartenhintergrund: die Linie ist ein ungefährer Umriss des Stadtgebiets.',
    'map.outlineMissing': 'Der Umriss des Stadtgebiets konnte nicht geladen werden.',
    'map.legendHeading': 'Legende',
    'map.listHeading': 'Liste der Messpunkte',
    'map.refreshNote': 'Die Werte werden alle 10 Sekunden aktualisiert, solange diese Seite sichtbar ist.',
    'map.lastRefresh': 'Stand: {time}',
    'map.colName': 'Messpunkt',
    'map.colUseCase': 'Bereich',
    'map.colValues': 'Neueste Werte',
    'map.colLastUpdate': 'Letzte Messung',
    'map.showOnMap': 'Auf der Karte zeigen',
    'map.noThings': 'Für diesen Mandanten gibt es keine öffentlichen Messpunkte.',
    'map.noDatastreams': 'keine Datenströme',
    'map.noLocation': 'ohne Ort',
    'map.markerLabel': '{name} ({useCase})',
    'map.thingCount': '{count} Messpunkte',

    'useCase.parking': 'Parken',
    'useCase.air-quality': 'Luftqualität',
    'useCase.waste': 'Abfall',
    'useCase.bike-counts': 'Radverkehr',
    'useCase.traffic': 'Verkehr',
    'useCase.weather': 'Wetter',
    'useCase.water-temperature': 'Wassertemperatur',
    'useCase.visitors': 'Besucher',
    'useCase.energy': 'Energie',
    'useCase.ev-charging': 'Ladesäulen',
    'useCase.other': 'Sonstiges',

    'datastream.title': 'Datenstrom – Stadtdaten Darmstadt',
    'datastream.heading': 'Datenstrom',
    'datastream.thing': 'Messpunkt',
    'datastream.observedProperty': 'Messgröße',
    'datastream.unit': 'Einheit',
    'datastream.controlsLabel': 'Darstellung',
    'datastream.range': 'Zeitraum',
    'datastream.range24h': '24 Stunden',
    'datastream.range7d': '7 Tage',
    'datastream.range30d': '30 Tage',
    'datastream.aggregation': 'Zusammenfassung',
    'datastream.aggRaw': 'Rohwerte',
    'datastream.agg15m': 'Mittelwert je 15 Minuten',
    'datastream.agg1h': 'Mittelwert je Stunde',
    'datastream.agg1d': 'Mittelwert je Tag',
    'datastream.chartLabel': 'Zeitreihe {name}: {count} Werte von {min} bis {max} {unit}. Die Werte stehen in der Datentabelle.',
    'datastream.chartNoNumbers': 'Diese Werte sind keine Zahlen; sie stehen nur in der Datentabelle.',
    'datastream.tableHeading': 'Datentabelle',
    'datastream.tableCaption': 'Werte von {from} bis {to}',
    'datastream.colTime': 'Zeit (MEZ/MESZ)',
    'datastream.colValue': 'Wert',
    'datastream.colCount': 'Anzahl Rohwerte',
    'datastream.downloads': 'Herunterladen',
    'datastream.downloadCsv': 'CSV (Komma, Punkt als Dezimalzeichen)',
    'datastream.downloadCsvDe': 'CSV für deutsches Excel (Semikolon, Dezimalkomma)',
    'datastream.noData': 'Keine Werte in diesem Zeitraum.',
    'datastream.truncated': 'Nur die ersten {limit} Rohwerte werden gezeigt; wählen Sie eine Zusammenfassung für den ganzen Zeitraum.',
    'datastream.missingId': 'Kein Datenstrom angegeben: die Adresse braucht den Parameter „id“.',
    'datastream.loaded': '{count} Werte geladen.',
    'datastream.backToMap': 'Zurück zur Karte',

    'rejections.title': 'Abgewiesene Nachrichten – Stadtdaten Darmstadt',
    'rejections.heading': 'Abgewiesene Nachrichten',
    'rejections.intro': 'Für Betreiberinnen und Betreiber: Nachrichten, die die Prüfung nicht bestanden haben. Die Abfrage braucht einen Zugangstoken mit der Rolle tenant-admin.',
    'rejections.tokenHeading': 'Zugang',
    'rejections.tokenLabel': 'Zugangstoken (Bearer)',
    'rejections.tokenHint': 'Der Token bleibt nur in diesem Browser-Tab gespeichert (sessionStorage) und wird beim Schließen gelöscht.',
    'rejections.tokenSave': 'Token übernehmen',
    'rejections.tokenForget': 'Token löschen',
    'rejections.tokenStored': 'Ein Token ist für diesen Tab gespeichert.',
    'rejections.tokenNone': 'Kein Token gespeichert.',
    'rejections.filterHeading': 'Filter',
    'rejections.reason': 'Grund',
    'rejections.reasonAll': 'Alle Gründe',
    'rejections.device': 'Gerät (ID)',
    'rejections.limit': 'Höchstens',
    'rejections.show': 'Anzeigen',
    'rejections.resultsHeading': 'Ergebnis',
    'rejections.total': '{shown} von {total} abgewiesenen Nachrichten',
    'rejections.colRejectedAt': 'Abgewiesen (MEZ/MESZ)',
    'rejections.colReason': 'Grund',
    'rejections.colDetail': 'Detail',
    'rejections.colDevice': 'Gerät',
    'rejections.colField': 'Feld',
    'rejections.colPayload': 'Nutzlast',
    'rejections.showPayload': 'Nutzlast zeigen ({bytes} Bytes)',
    'rejections.none': 'Keine abgewiesenen Nachrichten für diesen Filter.',
    'rejections.tokenMissing': 'Bitte zuerst einen Zugangstoken eingeben.',
    'rejections.unauthorized': 'Der Token ist ungültig oder abgelaufen. Bitte einen neuen Token eingeben.',
    'rejections.forbidden': 'Der Token hat keine Berechtigung für diesen Mandanten (Rolle tenant-admin nötig).',

    'reason.MALFORMED_PAYLOAD': 'Nutzlast nicht lesbar',
    'reason.PAYLOAD_TOO_LARGE': 'Nutzlast zu groß',
    'reason.UNSUPPORTED_FORMAT': 'Format nicht unterstützt',
    'reason.INVALID_PAYLOAD': 'Nutzlast ungültig',
    'reason.UNKNOWN_DEVICE': 'Gerät unbekannt',
    'reason.UNKNOWN_DATASTREAM': 'Datenstrom unbekannt',
    'reason.WRONG_TYPE': 'Falscher Werttyp',
    'reason.UNIT_MISMATCH': 'Falsche Einheit',
    'reason.OUT_OF_RANGE': 'Wert außerhalb des Bereichs',
    'reason.NOT_FINITE': 'Wert nicht endlich',
    'reason.INVALID_TIMESTAMP': 'Zeitstempel ungültig',
    'reason.FUTURE_TIMESTAMP': 'Zeitstempel in der Zukunft',
    'reason.MISSING_TIME_ZONE': 'Zeitzone fehlt',
    'reason.RETIRED_DATASTREAM': 'Datenstrom stillgelegt',
  },
  en: {
    'common.siteTitle': 'Darmstadt urban data',
    'common.skipLink': 'Skip to content',
    'common.navLabel': 'Main navigation',
    'common.navMap': 'Map',
    'common.navRejections': 'Rejected messages',
    'common.languageSwitch': 'Deutsch',
    'common.languageSwitchLabel': 'Auf Deutsch umschalten',
    'common.loading': 'Loading data …',
    'common.loadFailed': 'Loading failed: {message}',
    'common.noValue': 'no value',
    'common.yes': 'yes',
    'common.no': 'no',
    'common.timeZoneNote': 'Times in German local time (CET/CEST).',
    'common.footer': 'Open urban data of the City of Darmstadt.',
    'common.tenant': 'Tenant: {tenant}',

    'map.title': 'Map – Darmstadt urban data',
    'map.heading': 'Measuring points in Darmstadt',
    'map.intro': 'The map shows every public measuring point with its latest values. The list below the map contains the same information.',
    'map.mapHeading': 'Map',
    'map.mapLabel': 'Map of the measuring points',
    'map.outlineNote': 'No map background: the line is an approximate outline of the city area.',
    'map.outlineMissing': 'The outline of the city area could not be loaded.',
    'map.legendHeading': 'Legend',
    'map.listHeading': 'List of measuring points',
    'map.refreshNote': 'Values refresh every 10 seconds while this page is visible.',
    'map.lastRefresh': 'As of {time}',
    'map.colName': 'Measuring point',
    'map.colUseCase': 'Domain',
    'map.colValues': 'Latest values',
    'map.colLastUpdate': 'Last measurement',
    'map.showOnMap': 'Show on map',
    'map.noThings': 'This tenant has no public measuring points.',
    'map.noDatastreams': 'no datastreams',
    'map.noLocation': 'no location',
    'map.markerLabel': '{name} ({useCase})',
    'map.thingCount': '{count} measuring points',

    'useCase.parking': 'Parking',
    'useCase.air-quality': 'Air quality',
    'useCase.waste': 'Waste',
    'useCase.bike-counts': 'Cycling',
    'useCase.traffic': 'Traffic',
    'useCase.weather': 'Weather',
    'useCase.water-temperature': 'Water temperature',
    'useCase.visitors': 'Visitors',
    'useCase.energy': 'Energy',
    'useCase.ev-charging': 'EV charging',
    'useCase.other': 'Other',

    'datastream.title': 'Datastream – Darmstadt urban data',
    'datastream.heading': 'Datastream',
    'datastream.thing': 'Measuring point',
    'datastream.observedProperty': 'Observed property',
    'datastream.unit': 'Unit',
    'datastream.controlsLabel': 'Display',
    'datastream.range': 'Time range',
    'datastream.range24h': '24 hours',
    'datastream.range7d': '7 days',
    'datastream.range30d': '30 days',
    'datastream.aggregation': 'Aggregation',
    'datastream.aggRaw': 'Raw values',
    'datastream.agg15m': 'Mean per 15 minutes',
    'datastream.agg1h': 'Mean per hour',
    'datastream.agg1d': 'Mean per day',
    'datastream.chartLabel': 'Time series {name}: {count} values from {min} to {max} {unit}. The data table lists the values.',
    'datastream.chartNoNumbers': 'These values are not numbers; only the data table lists them.',
    'datastream.tableHeading': 'Data table',
    'datastream.tableCaption': 'Values from {from} to {to}',
    'datastream.colTime': 'Time (CET/CEST)',
    'datastream.colValue': 'Value',
    'datastream.colCount': 'Raw value count',
    'datastream.downloads': 'Download',
    'datastream.downloadCsv': 'CSV (comma, decimal point)',
    'datastream.downloadCsvDe': 'CSV for German Excel (semicolon, decimal comma)',
    'datastream.noData': 'No values in this time range.',
    'datastream.truncated': 'Only the first {limit} raw values are shown; choose an aggregation to see the whole range.',
    'datastream.missingId': 'No datastream given: the address needs the parameter "id".',
    'datastream.loaded': '{count} values loaded.',
    'datastream.backToMap': 'Back to the map',

    'rejections.title': 'Rejected messages – Darmstadt urban data',
    'rejections.heading': 'Rejected messages',
    'rejections.intro': 'For operators: messages that failed validation. The request needs an access token with the role tenant-admin.',
    'rejections.tokenHeading': 'Access',
    'rejections.tokenLabel': 'Access token (bearer)',
    'rejections.tokenHint': 'The token is stored only in this browser tab (sessionStorage) and deleted when the tab closes.',
    'rejections.tokenSave': 'Use token',
    'rejections.tokenForget': 'Delete token',
    'rejections.tokenStored': 'A token is stored for this tab.',
    'rejections.tokenNone': 'No token stored.',
    'rejections.filterHeading': 'Filter',
    'rejections.reason': 'Reason',
    'rejections.reasonAll': 'All reasons',
    'rejections.device': 'Device (id)',
    'rejections.limit': 'At most',
    'rejections.show': 'Show',
    'rejections.resultsHeading': 'Result',
    'rejections.total': '{shown} of {total} rejected messages',
    'rejections.colRejectedAt': 'Rejected (CET/CEST)',
    'rejections.colReason': 'Reason',
    'rejections.colDetail': 'Detail',
    'rejections.colDevice': 'Device',
    'rejections.colField': 'Field',
    'rejections.colPayload': 'Payload',
    'rejections.showPayload': 'Show payload ({bytes} bytes)',
    'rejections.none': 'No rejected messages match this filter.',
    'rejections.tokenMissing': 'Enter an access token first.',
    'rejections.unauthorized': 'The token is invalid or expired. Enter a new token.',
    'rejections.forbidden': 'The token has no access to this tenant (the role tenant-admin is required).',

    'reason.MALFORMED_PAYLOAD': 'Payload not readable',
    'reason.PAYLOAD_TOO_LARGE': 'Payload too large',
    'reason.UNSUPPORTED_FORMAT': 'Format not supported',
    'reason.INVALID_PAYLOAD': 'Payload invalid',
    'reason.UNKNOWN_DEVICE': 'Unknown device',
    'reason.UNKNOWN_DATASTREAM': 'Unknown datastream',
    'reason.WRONG_TYPE': 'Wrong value type',
    'reason.UNIT_MISMATCH': 'Wrong unit',
    'reason.OUT_OF_RANGE': 'Value out of range',
    'reason.NOT_FINITE': 'Value not finite',
    'reason.INVALID_TIMESTAMP': 'Invalid timestamp',
    'reason.FUTURE_TIMESTAMP': 'Timestamp in the future',
    'reason.MISSING_TIME_ZONE': 'Time zone missing',
    'reason.RETIRED_DATASTREAM': 'Datastream retired',
  },
};

const listeners = [];

function readStoredLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(stored) ? stored : 'de';
  } catch {
    // Storage can be blocked by privacy settings; German is the default then.
    return 'de';
  }
}

let language = readStoredLanguage();

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

/** Formats an ISO 8601 time in Europe/Berlin with the zone name, e.g. "04.12.2026, 20:15 MEZ". */
export function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return String(iso);
  }
  return new Intl.DateTimeFormat(locale(), {
    timeZone: TIME_ZONE,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** Formats an axis tick in Europe/Berlin: the date for steps of a day or more, else the time of day. */
export function formatTick(date, stepSeconds) {
  const options = stepSeconds >= 86_400 ? { day: '2-digit', month: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, ...options }).format(date);
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
