import type { StoredObservation } from '@stadtdaten/contracts';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { joinResult } from './observation-columns';

interface ObservationParquetRow {
  id: string;
  datastream_id: string;
  phenomenon_time: number;
  result_time: number;
  received_at: number;
  result: unknown;
  result_json: string | null;
  quality_flags: string[];
  storage_profile: string;
}

/** Reads timestamps as epoch milliseconds instead of Date objects. */
const parsers = { timestampFromMilliseconds: (millis: bigint) => Number(millis) };

/**
 * Reads an observation Parquet file of an export, one row group at a time, so memory holds
 * one row group. `tenant` is set on every observation, because the file does not repeat it.
 */
export async function* readParquetObservations(file: string, tenant: string): AsyncGenerator<StoredObservation[]> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer, { parsers });

  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = (await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, parsers })) as unknown as ObservationParquetRow[];
    rowStart = rowEnd;
    yield rows.map((row) => ({
      id: row.id,
      tenant,
      datastreamId: row.datastream_id,
      phenomenonTimeMs: row.phenomenon_time,
      resultTimeMs: row.result_time,
      receivedAtMs: row.received_at,
      result: joinResult(row.result, row.result_json),
      qualityFlags: row.quality_flags,
      storageProfile: row.storage_profile,
    }));
  }
}
