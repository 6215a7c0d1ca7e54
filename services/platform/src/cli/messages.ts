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
  newIssuerKey: {
    de: (dir: string) =>
      `Hinweis: In ${dir} gab es noch keinen Schlüssel; ein neuer wurde angelegt. Eine Plattform mit einem anderen Datenordner nimmt dieses Token nicht an (--data-dir).`,
    en: (dir: string) =>
      `note: ${dir} had no issuer key, so a new one was created; a platform with another data folder will not accept this token (see --data-dir).`,
  },
  catalogDirect: {
    de: (url: string, dir: string) =>
      `Hinweis: Unter ${url} antwortet keine Plattform; der Katalog wird direkt in ${dir} geschrieben. Eine laufende Plattform auf diesem Ordner übernimmt ihn binnen einer Sekunde; läuft sie auf einem anderen Port, --url angeben.`,
    en: (url: string, dir: string) =>
      `note: no platform answered at ${url}, so the catalog is written directly into ${dir}; a platform running on that folder picks it up within a second. If it runs on another port, pass --url.`,
  },
  connectorRunning: {
    de: (name: string) => `Connector ${name} läuft …`,
    en: (name: string) => `connector ${name} is running …`,
  },
  connectorSummary: {
    de: (outcome: string, published: number, deadLettered: number, dropped: number, missing: number) =>
      `Ergebnis: ${outcomeDe(outcome)}; ${published} Werte zur Prüfung weitergegeben, ${deadLettered} in die Dead-Letter-Ablage, ${dropped} nicht zugeordnet, ${missing} ohne Wert in der Quelle. Was die Prüfung noch abweist, zeigt /api/v1/tenants/<Mandant>/rejections.`,
    en: (outcome: string, published: number, deadLettered: number, dropped: number, missing: number) =>
      `result: ${outcome}; ${published} values passed on to validation, ${deadLettered} dead-lettered, ${dropped} not mapped, ${missing} without a value in the source. Values that validation rejects later are listed at /api/v1/tenants/<tenant>/rejections.`,
  },
  connectorNone: {
    de: () => 'Es sind keine Connectoren eingerichtet (Datei mit --connectors beim Start oder STADTDATEN_CONNECTORS_FILE).',
    en: () => 'no connectors are configured (give a file with --connectors at start, or STADTDATEN_CONNECTORS_FILE).',
  },
  connectorWarning: {
    de: (text: string) => `Warnung: ${text}`,
    en: (text: string) => `warning: ${text}`,
  },
  notAPlatform: {
    de: (url: string) => `Unter ${url} antwortet ein Server, aber keine stadtdaten-Plattform (404). Mit --url die Adresse der Plattform angeben.`,
    en: (url: string) => `the server at ${url} is not a stadtdaten platform (404). Pass the platform's address with --url.`,
  },
  platformUnreachable: {
    de: (url: string) => `Unter ${url} antwortet keine Plattform. Erst \`stadtdaten start\` ausführen oder --url angeben.`,
    en: (url: string) => `no platform answers at ${url}. Run \`stadtdaten start\` first, or pass --url.`,
  },
  keyRotated: {
    de: (keyId: string) => `Neuer aktiver Signaturschlüssel: ${keyId}. Die bisherigen Schlüssel bleiben veröffentlicht.`,
    en: (keyId: string) => `new active signing key: ${keyId}. The earlier keys stay published.`,
  },
  keysDirect: {
    de: (url: string, dir: string) =>
      `Hinweis: Unter ${url} antwortet keine Plattform; der Schlüssel wird direkt in ${dir} gewechselt.`,
    en: (url: string, dir: string) => `note: no platform answered at ${url}, so the key is rotated directly in ${dir}.`,
  },
  rewrapPlatformRunning: {
    de: (url: string) =>
      `Unter ${url} läuft eine Plattform. Erst beenden, dann den Schlüssel-Verschlüsselungsschlüssel wechseln: ein laufender Prozess würde neue Schlüssel noch mit dem alten verschlüsseln.`,
    en: (url: string) =>
      `a platform is running at ${url}. Stop it before changing the key-encryption key, because a running process would still wrap new keys under the old one.`,
  },
  kekCreated: {
    de: (file: string) => `Neuer Schlüssel-Verschlüsselungsschlüssel angelegt: ${file}`,
    en: (file: string) => `created a new key-encryption key: ${file}`,
  },
  rewrapNeedsKek: {
    de: () => 'Mit --postgres-url auch --kek-file angeben: die Datei mit dem bisherigen Schlüssel-Verschlüsselungsschlüssel (STADTDATEN_KEK_FILE der Dienste).',
    en: () => 'with --postgres-url, also pass --kek-file: the file with the current key-encryption key (STADTDATEN_KEK_FILE of the services).',
  },
  rewrapNoKek: {
    de: (file: string) => `Der bisherige Schlüssel-Verschlüsselungsschlüssel fehlt: ${file}. Mit --kek-file die richtige Datei angeben.`,
    en: (file: string) => `the current key-encryption key is missing: ${file}. Pass the right file with --kek-file.`,
  },
  rewrappedEmbedded: {
    de: (count: number, retired: string) =>
      `${count} Mandantenschlüssel neu verschlüsselt; die Plattform nutzt beim nächsten Start den neuen Schlüssel-Verschlüsselungsschlüssel. Der alte liegt unter ${retired}: Er öffnet nur noch ältere Sicherungen. Bewahren Sie ihn bei diesen auf und löschen Sie ihn hier.`,
    en: (count: number, retired: string) =>
      `re-wrapped ${count} tenant keys; the platform uses the new key-encryption key from its next start. The old one is at ${retired}: it opens only older backups. Keep it with those and delete it here.`,
  },
  rewrappedExternal: {
    de: (count: number, next: string, old: string) =>
      `${count} Mandantenschlüssel neu verschlüsselt. Jetzt STADTDATEN_KEK_FILE aller Dienste auf ${next} setzen und sie neu starten. Den alten Schlüssel (${old}) nur noch bei älteren Sicherungen aufbewahren.`,
    en: (count: number, next: string, old: string) =>
      `re-wrapped ${count} tenant keys. Now point STADTDATEN_KEK_FILE of every service at ${next} and restart them. Keep the old key (${old}) only with older backups.`,
  },
  verifySummary: {
    de: (verified: number, failed: number, batches: number) =>
      `Geprüft: ${verified} Beobachtungen gültig, ${failed} ungültig, ${batches} signierte Stapel.`,
    en: (verified: number, failed: number, batches: number) =>
      `checked: ${verified} observations valid, ${failed} invalid, ${batches} signed batches.`,
  },
  backupWritten: {
    de: (file: string, files: number) => `Sicherung geschrieben: ${file} (${files} Dateien, verschlüsselt, mit Prüfsummen).`,
    en: (file: string, files: number) => `backup written: ${file} (${files} files, encrypted, with checksums).`,
  },
  backupKekHint: {
    de: (kek: string) =>
      `Hinweis: Der Schlüssel-Verschlüsselungsschlüssel (${kek}) ist nicht in der Sicherung. Ohne ihn sind personenbezogene Daten und Schlüssel nicht lesbar; bewahren Sie ihn getrennt auf.`,
    en: (kek: string) =>
      `note: the key-encryption key (${kek}) is not in the backup. Without it, personal data and keys cannot be read; keep it apart from the backup.`,
  },
  backupRestored: {
    de: (dir: string, files: number) => `Sicherung wiederhergestellt in ${dir} (${files} Dateien, Prüfsummen stimmen).`,
    en: (dir: string, files: number) => `backup restored into ${dir} (${files} files, checksums match).`,
  },
  backupPassphraseMissing: {
    de: () => 'Kein Passwort für die Sicherung: STADTDATEN_BACKUP_PASSPHRASE setzen oder --passphrase-file angeben.',
    en: () => 'no backup passphrase: set STADTDATEN_BACKUP_PASSPHRASE or pass --passphrase-file.',
  },
  exportDone: {
    de: (dir: string, observations: number, datastreams: number, signed: number, rejections: number) =>
      `Export in ${dir} geschrieben: ${observations} Beobachtungen aus ${datastreams} Datenströmen, ${signed} davon mit Signaturnachweis; abgelehnte Meldungen: ${rejections}. Prüfen mit: npx stadtdaten verify ${dir}`,
    en: (dir: string, observations: number, datastreams: number, signed: number, rejections: number) =>
      `export written to ${dir}: ${observations} observations of ${datastreams} datastreams, ${signed} of them with a signature proof; rejected readings: ${rejections}. Check it with: npx stadtdaten verify ${dir}`,
  },
  importDone: {
    de: (tenant: string, observations: number, datastreams: number, rejections: number, dir: string) =>
      `Mandant ${tenant} importiert: ${observations} Beobachtungen aus ${datastreams} Datenströmen in ${dir}; abgelehnte Meldungen: ${rejections}.`,
    en: (tenant: string, observations: number, datastreams: number, rejections: number, dir: string) =>
      `tenant ${tenant} imported: ${observations} observations of ${datastreams} datastreams into ${dir}; rejected readings: ${rejections}.`,
  },
  importSignatures: {
    de: (observations: number, batches: number, keyIds: string) =>
      `Signaturen importiert: ${observations} Beobachtungen mit Nachweis in ${batches} signierten Stapeln. Öffentliche Schlüssel, nur zum Prüfen: ${keyIds || 'keine'}. Diese Schlüssel-IDs mit der JWKS der alten Plattform vergleichen; neue Werte signiert die Plattform mit ihrem eigenen Schlüssel.`,
    en: (observations: number, batches: number, keyIds: string) =>
      `signatures imported: ${observations} observations with a proof in ${batches} signed batches. Public keys, for verification only: ${keyIds || 'none'}. Compare these key ids with the JWKS of the old platform; the platform signs new values with its own key.`,
  },
  importUnsigned: {
    de: (lines: number, batches: number) =>
      `Warnung: ${lines} Signaturzeilen und ${batches} signierte Stapel passen nicht zu den exportierten Beobachtungen (verändert?). Diese Beobachtungen wurden ohne Nachweis importiert (--allow-unsigned):`,
    en: (lines: number, batches: number) =>
      `warning: ${lines} signature lines and ${batches} signed batches do not match the exported observations (changed?). Those observations were imported without a proof (--allow-unsigned):`,
  },
  importDecryptedUnsigned: {
    de: (count: number) =>
      `Hinweis: ${count} personenbezogene Beobachtungen wurden mit --decrypt exportiert. Ihre Signatur deckt den Geheimtext der alten Plattform, der nicht im Export ist; sie sind ohne Nachweis importiert. Der Ordner signatures/ des Exports bleibt ihr Nachweis.`,
    en: (count: number) =>
      `note: ${count} personal observations were exported with --decrypt. Their signature covers the old platform's ciphertext, which the export does not contain, so they were imported without a proof. The export's signatures/ folder remains their proof.`,
  },
  portInUse: {
    de: () => 'Der Port ist belegt: einen anderen mit --port oder --mqtt-port wählen oder den anderen Prozess beenden.',
    en: () => 'the port is in use: choose another with --port or --mqtt-port, or stop the other process.',
  },
  hint: {
    de: (hint: string) => `Hinweis: ${hint}`,
    en: (hint: string) => `hint: ${hint}`,
  },
  failed: {
    de: (message: string) => `Fehler: ${message}`,
    en: (message: string) => `error: ${message}`,
  },
} as const;

function outcomeDe(outcome: string): string {
  const names: Record<string, string> = {
    succeeded: 'erfolgreich',
    'not-modified': 'Quelle unverändert',
    failed: 'fehlgeschlagen',
    running: 'läuft',
  };

  return names[outcome] ?? outcome;
}

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
