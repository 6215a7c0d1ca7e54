import { Injectable } from '@nestjs/common';
import type { StoredObservation } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { RANGE_EXPORT_FORMATS, type RangeExportFormat, createRangeExportWriter, isRangeExportFormat } from '@stadtdaten/opendata';
import { type DatastreamDto, RegistryService } from '@stadtdaten/registry';
import type { Response } from 'express';

/**
 * Streams a range of one datastream as GeoJSON, JSON lines or Parquet. The caller has
 * checked visibility and passes the store's pages, so the range is never in memory whole.
 * Each page becomes one chunk (one Parquet row group), and the next page is read only after
 * the client took the previous one.
 */
@Injectable()
export class ObservationExportService {
  private readonly log: Logger;

  constructor(
    private readonly registry: RegistryService,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'range-export' });
  }

  /** Tests whether the observations endpoint's `format` parameter names a format of this service. */
  supports(format: string): format is RangeExportFormat {
    return isRangeExportFormat(format);
  }

  /** Format names for the error message of an unsupported format. */
  formats(): string[] {
    return Object.keys(RANGE_EXPORT_FORMATS);
  }

  async stream(
    response: Response,
    format: RangeExportFormat,
    datastream: DatastreamDto,
    fromMs: number,
    pages: AsyncIterable<StoredObservation[]>,
  ): Promise<void> {
    const thing = format === 'geojson' ? await this.registry.getThing(datastream.tenant, datastream.thingId) : undefined;
    const { contentType, extension } = RANGE_EXPORT_FORMATS[format];
    const fileName = `${datastream.id.replace(/[^A-Za-z0-9._-]/g, '_')}_${new Date(fromMs).toISOString().slice(0, 10)}.${extension}`;
    response.setHeader('Content-Type', contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);

    const sink = (chunk: Uint8Array) => {
      if (response.write(chunk)) {
        return;
      }

      // Wait until the client read the chunk, or went away.
      return new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.once('drain', done);
        response.once('close', done);
      });
    };
    const writer = createRangeExportWriter(format, datastream, thing?.location, sink);
    try {
      for await (const page of pages) {
        if (response.destroyed) {
          // The client went away: stop reading the store.
          return;
        }
        await writer.writePage(page);
      }
      await writer.finish();
      response.end();
    } catch (error) {
      if (!response.headersSent) {
        throw error;
      }
      // A status can no longer be sent, so the connection is cut: a client must not take a cut-off JSON Lines file for a complete one.
      this.log.error({ err: error, tenant: datastream.tenant, datastreamId: datastream.id, format }, 'range export failed after the response started');
      response.destroy(error as Error);
    }
  }
}
