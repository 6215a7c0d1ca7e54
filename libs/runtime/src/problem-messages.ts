/** Status code and German/English title of each error code, for RFC 9457 problem details. */
export const PROBLEMS: Record<string, { status: number; en: string; de: string }> = {
  NOT_FOUND: { status: 404, en: 'Not found', de: 'Nicht gefunden' },
  VALIDATION_FAILED: { status: 400, en: 'Invalid request', de: 'Ungültige Anfrage' },
  UNAUTHENTICATED: { status: 401, en: 'Authentication required', de: 'Anmeldung erforderlich' },
  FORBIDDEN: { status: 403, en: 'Access denied', de: 'Zugriff verweigert' },
  CONFLICT: { status: 409, en: 'Conflict', de: 'Konflikt' },
  UNAVAILABLE: { status: 503, en: 'Service unavailable', de: 'Dienst nicht verfügbar' },
  INVALID_CATALOG: { status: 422, en: 'Invalid catalog', de: 'Ungültiger Katalog' },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'Payload too large', de: 'Nutzdaten zu groß' },
  UNSUPPORTED_FORMAT: {
    status: 415,
    en: 'Unsupported payload format',
    de: 'Nicht unterstütztes Nutzdatenformat',
  },
  RATE_LIMITED: { status: 429, en: 'Too many requests', de: 'Zu viele Anfragen' },
  INTERNAL: { status: 500, en: 'Internal error', de: 'Interner Fehler' },
};

/** German sentence that accompanies the English detail, per error code. */
export const GERMAN_HINTS: Record<string, string> = {
  NOT_FOUND: 'Die angefragte Ressource existiert nicht oder gehört zu einem anderen Mandanten.',
  VALIDATION_FAILED: 'Ein Parameter der Anfrage ist ungültig; die Meldung nennt den Wert und die Korrektur.',
  UNAUTHENTICATED: 'Bitte mit einem gültigen Token anmelden (Header "Authorization: Bearer <Token>").',
  FORBIDDEN: 'Das Token erlaubt diese Aktion nicht (falscher Mandant oder fehlende Rolle).',
  CONFLICT: 'Die Anfrage passt nicht zum aktuellen Zustand der Ressource; die Meldung nennt den Grund.',
  INVALID_CATALOG: 'Der Katalog enthält Fehler; jede Zeile der Meldung nennt die Stelle und die Korrektur.',
  INVALID_CONFIG: 'Eine Einstellung ist ungültig; die Meldung nennt die Einstellung, den Wert und die Korrektur.',
  PAYLOAD_TOO_LARGE: 'Die Nutzdaten überschreiten die Größengrenze; bitte in kleinere Nachrichten aufteilen.',
  UNSUPPORTED_FORMAT: 'Das Nutzdatenformat ist unbekannt; die Meldung nennt die unterstützten Formate.',
  UNAVAILABLE: 'Ein benötigter Dienst antwortet gerade nicht; bitte später erneut versuchen.',
  INTERNAL: 'Ein unerwarteter Fehler ist aufgetreten; er wurde protokolliert.',
  SIGNATURE_MISMATCH:
    'Signaturen des Exports passen nicht zu seinen Beobachtungen (verändert?); es wurde nichts importiert. Den Export mit `stadtdaten verify` prüfen, oder mit --allow-unsigned diese Beobachtungen ohne Nachweis importieren.',
};

/** Picks German unless the Accept-Language header prefers English. */
export function preferredLanguage(acceptLanguage: string | undefined): 'de' | 'en' {
  if (acceptLanguage === undefined) {
    return 'de';
  }
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((param) => param.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.tag.startsWith('de') || entry.tag.startsWith('en'))
    .sort((a, b) => b.q - a.q);

  return ranked[0]?.tag.startsWith('en') ? 'en' : 'de';
}
