/** CLI messages in German and English; LANG or LC_ALL starting with "en" selects English, German otherwise. */
const MESSAGES = {
  started: {
    de: (http: string, mqtt: string) =>
      `stadtdaten läuft.\n  Dashboard:        ${http}/\n  REST-API:         ${http}/api/v1\n  API-Referenz:     ${http}/api/v1/docs\n  MQTT:             ${mqtt}\nBeenden mit Strg+C.`,
    en: (http: string, mqtt: string) =>
      `stadtdaten is running.\n  Dashboard:        ${http}/\n  REST API:         ${http}/api/v1\n  API reference:    ${http}/api/v1/docs\n  MQTT:             ${mqtt}\nStop with Ctrl+C.`,
  },
  stopping: { de: () => 'stadtdaten wird beendet …', en: () => 'stopping stadtdaten …' },
  stopped: { de: () => 'stadtdaten ist beendet.', en: () => 'stadtdaten stopped.' },
  catalogApplied: {
    de: (created: number, updated: number, unchanged: number) =>
      `Katalog angewendet: ${created} angelegt, ${updated} geändert, ${unchanged} unverändert.`,
    en: (created: number, updated: number, unchanged: number) =>
      `catalog applied: ${created} created, ${updated} updated, ${unchanged} unchanged.`,
  },
  replaySummary: {
    de: (sent: number, acked: number, failed: number) =>
      `Gesendet: ${sent}, bestätigt: ${acked}, fehlgeschlagen: ${failed}`,
    en: (sent: number, acked: number, failed: number) => `sent: ${sent}, acknowledged: ${acked}, failed: ${failed}`,
  },
  failed: {
    de: (message: string) => `Fehler: ${message}`,
    en: (message: string) => `error: ${message}`,
  },
} as const;

export type Language = 'de' | 'en';

export function cliLanguage(env: Record<string, string | undefined> = process.env): Language {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';

  return value.toLowerCase().startsWith('en') ? 'en' : 'de';
}

export function message<K extends keyof typeof MESSAGES>(
  key: K,
  ...args: Parameters<(typeof MESSAGES)[K]['de']>
): string {
  const entry = MESSAGES[key][cliLanguage()] as (...values: unknown[]) => string;

  return entry(...args);
}
