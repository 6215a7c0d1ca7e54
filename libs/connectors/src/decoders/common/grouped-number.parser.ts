/**
 * Number formats of source exports:
 * - `german`: `.` groups thousands and `,` is the decimal mark (`1.015` is 1015, `12,5` is 12.5);
 * - `english`: `,` groups thousands and `.` is the decimal mark (`1,015` is 1015).
 */
export type NumberStyle = 'german' | 'english';

const PATTERNS: Record<NumberStyle, RegExp> = {
  german: /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/,
  english: /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/,
};

/**
 * Parses `text` in `style`. Groups must have exactly three digits, so `1.01` is not a German
 * number and `1,01` not an English one. Returns undefined for anything else, including empty text.
 */
export function parseGroupedNumber(text: string, style: NumberStyle): number | undefined {
  const trimmed = text.trim();
  if (!PATTERNS[style].test(trimmed)) {
    return undefined;
  }

  const plain =
    style === 'german' ? trimmed.replaceAll('.', '').replace(',', '.') : trimmed.replaceAll(',', '');

  return Number(plain);
}
