import type { GeoJsonGeometry } from '@stadtdaten/contracts';
import type { DatastreamDto } from '@stadtdaten/registry';
import type { ChunkSink } from './chunk-sink';
import { resultColumnType } from './observation-columns';
import { ParquetObservationWriter } from './parquet-observation.writer';
import { GeoJsonObservationWriter, JsonLinesObservationWriter, type ObservationFormatWriter } from './text-observation.writers';

/** Range export formats of the observations endpoint beyond json, csv and csv-de. */
export const RANGE_EXPORT_FORMATS = {
  geojson: { contentType: 'application/geo+json', extension: 'geojson' },
  jsonl: { contentType: 'application/x-ndjson', extension: 'jsonl' },
  parquet: { contentType: 'application/vnd.apache.parquet', extension: 'parquet' },
} as const;

export type RangeExportFormat = keyof typeof RANGE_EXPORT_FORMATS;

export function isRangeExportFormat(format: string): format is RangeExportFormat {
  return Object.hasOwn(RANGE_EXPORT_FORMATS, format);
}

/**
 * Creates the writer of one range export. Results reach it decrypted (personal datastreams
 * are decrypted by the caller), so the result column follows the value schema.
 */
export function createRangeExportWriter(
  format: RangeExportFormat,
  datastream: DatastreamDto,
  geometry: GeoJsonGeometry | undefined,
  sink: ChunkSink,
): ObservationFormatWriter {
  const info = { id: datastream.id, unit: datastream.unit.code, resultType: resultColumnType(datastream.valueSchema.type, false) };
  switch (format) {
    case 'parquet':
      return new ParquetObservationWriter(info, sink);
    case 'jsonl':
      return new JsonLinesObservationWriter(info, sink);
    case 'geojson':
      return new GeoJsonObservationWriter(
        { ...info, name: datastream.name, thingId: datastream.thingId, geometry: geometry ?? null },
        sink,
      );
  }
}
