/** Layout of a CSV export: the international one, or the German spreadsheet variant. */
export interface CsvDialect {
  separator: string;
  decimalComma: boolean;
  /** UTF-8 byte-order mark, so spreadsheet programs read umlauts and µ correctly. */
  bom: boolean;
  header: string[];
}

export const CSV_DIALECTS: Record<'csv' | 'csv-de', CsvDialect> = {
  csv: { separator: ',', decimalComma: false, bom: false, header: ['phenomenon_time_utc', 'result', 'unit', 'datastream_id'] },
  'csv-de': {
    separator: ';',
    decimalComma: true,
    bom: true,
    header: ['Zeitpunkt (UTC)', 'Messwert', 'Einheit', 'Datenstrom'],
  },
};

/** Formats one cell: numbers with the dialect's decimal mark, text quoted where needed. */
export function csvCell(value: unknown, dialect: CsvDialect): string {
  if (typeof value === 'number') {
    const text = String(value);

    return dialect.decimalComma ? text.replace('.', ',') : text;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const needsQuotes = text.includes(dialect.separator) || /["\r\n]/.test(text) || (dialect.decimalComma && text.includes(','));

  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[], dialect: CsvDialect): string {
  return values.map((value) => csvCell(value, dialect)).join(dialect.separator) + '\r\n';
}
