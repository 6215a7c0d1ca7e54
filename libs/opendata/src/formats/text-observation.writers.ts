import type { GeoJsonGeometry, StoredObservation } from '@stadtdaten/contracts';
import { type ChunkSink, writeText } from './chunk-sink';
import { type DatastreamExportInfo, isoUtc, observationJson } from './observation-columns';

/** Writes the observations of one datastream page by page in one format. */
export interface ObservationFormatWriter {
  writePage(page: StoredObservation[]): Promise<void>;
  /** Ends the document; must be called once, also when no page was written. */
  finish(): Promise<void>;
}

/** Formats one CSV cell after RFC 4180: comma-separated, quoted where needed, objects as JSON. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const cellText = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);

  return /[",\r\n]/.test(cellText) ? `"${cellText.replace(/"/g, '""')}"` : cellText;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Header of the observation CSV files of an export; the unit is part of the result column's name. */
export function observationCsvHeader(unit: string): string[] {
  return ['id', 'phenomenon_time_utc', 'result_time_utc', 'received_at_utc', `result [${unit}]`, 'quality_flags', 'storage_profile'];
}

/** CSV with every stored field, times as ISO 8601 UTC, for the files of a complete export. */
export class CsvObservationWriter implements ObservationFormatWriter {
  private started = false;

  constructor(
    private readonly info: DatastreamExportInfo,
    private readonly sink: ChunkSink,
  ) {}

  async writePage(page: StoredObservation[]): Promise<void> {
    await this.start();
    const lines = page.map((row) =>
      csvLine([
        row.id,
        isoUtc(row.phenomenonTimeMs),
        isoUtc(row.resultTimeMs),
        isoUtc(row.receivedAtMs),
        row.result,
        row.qualityFlags.join(' '),
        row.storageProfile,
      ]),
    );
    await writeText(this.sink, lines.join(''));
  }

  async finish(): Promise<void> {
    await this.start();
  }

  private async start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await writeText(this.sink, csvLine(observationCsvHeader(this.info.unit)));
    }
  }
}

/** One JSON object per line (JSON Lines): id, datastreamId, phenomenonTime, resultTime, result, unit. */
export class JsonLinesObservationWriter implements ObservationFormatWriter {
  constructor(
    private readonly info: DatastreamExportInfo,
    private readonly sink: ChunkSink,
  ) {}

  async writePage(page: StoredObservation[]): Promise<void> {
    const lines = page.map((row) => `${JSON.stringify(observationJson(row, this.info.unit))}\n`);
    await writeText(this.sink, lines.join(''));
  }

  async finish(): Promise<void> {
    // JSON Lines has no closing part.
  }
}

/** Facts about the datastream that a GeoJSON export repeats in its collection. */
export interface GeoJsonDatastream extends DatastreamExportInfo {
  name: string;
  thingId: string;
  /** The thing's location, WGS 84, which every feature carries; null (allowed by RFC 7946) when unknown. */
  geometry: GeoJsonGeometry | null;
}

/**
 * A GeoJSON FeatureCollection with one Feature per observation: the thing's geometry and the
 * observation as properties. The collection names the datastream in a `datastream` member.
 */
export class GeoJsonObservationWriter implements ObservationFormatWriter {
  private started = false;
  private written = 0;
  private readonly geometryJson: string;

  constructor(
    private readonly datastream: GeoJsonDatastream,
    private readonly sink: ChunkSink,
  ) {
    this.geometryJson = JSON.stringify(datastream.geometry);
  }

  async writePage(page: StoredObservation[]): Promise<void> {
    await this.start();
    const features = page.map((row) => {
      const separator = this.written === 0 ? '' : ',';
      this.written += 1;

      return `${separator}\n{"type":"Feature","geometry":${this.geometryJson},"properties":${JSON.stringify(observationJson(row, this.datastream.unit))}}`;
    });
    await writeText(this.sink, features.join(''));
  }

  async finish(): Promise<void> {
    await this.start();
    await writeText(this.sink, '\n]}\n');
  }

  private async start(): Promise<void> {
    if (this.started) {
      return;
    }
    this.started = true;
    const { id, name, unit, thingId } = this.datastream;
    const head = `{"type":"FeatureCollection","datastream":${JSON.stringify({ id, name, unit, thingId })},"features":[`;
    await writeText(this.sink, head);
  }
}
