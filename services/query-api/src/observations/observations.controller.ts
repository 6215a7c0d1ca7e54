import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { CurrentPrincipal, OptionalAuth } from '@stadtdaten/auth';
import { AuditTrail } from '@stadtdaten/runtime';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import type { Response } from 'express';
import { ObservationExportService } from '../opendata/observation-export.service';
import { VisibilityService } from '../things/visibility.service';
import { CSV_DIALECTS, csvLine } from './csv-writer';
import { ObservationsService } from './observations.service';
import { AGGREGATE_SOURCE_HEADER } from './rollup-aggregate.service';
import { MAX_RAW_LIMIT, parseAggregate, parseInterval, parseLimit, parseRange } from './query-params';

const iso = (ms: number) => new Date(ms).toISOString();

/** Observations of one datastream: raw, aggregated per interval, or exported as CSV/JSON. */
@Controller('api/v1/tenants/:tenant')
@OptionalAuth()
export class ObservationsController {
  constructor(
    private readonly observations: ObservationsService,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditTrail,
    private readonly rangeExports: ObservationExportService,
  ) {}

  @Get('datastreams/:id/observations')
  async list(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Res() response: Response,
    @Query() query: Record<string, string | undefined>,
  ) {
    const datastream = await this.visibility.readableDatastream(principal, tenant, id);
    const { fromMs, toMs } = parseRange(query.from, query.to, this.observations.clock.now());
    const format = query.format ?? 'json';
    if (datastream.classification !== 'public') {
      await this.audit.record(
        principal,
        datastream.classification === 'personal' ? 'PERSONAL_DATA_READ' : 'DATA_READ_NON_PUBLIC',
        { tenant, resourceType: 'datastream', resourceId: datastream.id },
        'success',
        { format, from: iso(fromMs), to: iso(toMs) },
      );
    }

    if (format === 'csv' || format === 'csv-de') {
      await this.streamCsv(response, datastream, fromMs, toMs, format);

      return;
    }
    if (this.rangeExports.supports(format)) {
      await this.rangeExports.stream(response, format, datastream, fromMs, this.observations.pages(datastream, fromMs, toMs));

      return;
    }
    if (format !== 'json') {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `parameter "format" = "${format}" is not supported: use json, csv, csv-de, ${this.rangeExports.formats().join(', ')}`,
      );
    }

    const base = { datastreamId: datastream.id, unit: datastream.unit.code, from: iso(fromMs), to: iso(toMs) };
    if (query.aggregate !== undefined || query.interval !== undefined) {
      const aggregate = parseAggregate(query.aggregate ?? 'mean');
      const interval = query.interval ?? '1h';
      const intervalMs = parseInterval(interval);
      const { points, source } = await this.observations.aggregated(datastream, fromMs, toMs, aggregate, intervalMs);
      response.setHeader(AGGREGATE_SOURCE_HEADER, source);
      response.json({
        ...base,
        aggregate,
        interval,
        observations: points.map((p) => ({ phenomenonTime: iso(p.bucketStartMs), result: p.value, count: p.count })),
      });

      return;
    }

    const limit = parseLimit(query.limit, 1000, MAX_RAW_LIMIT);
    const order = query.order === 'desc' ? 'desc' : 'asc';
    const rows = await this.observations.raw(datastream, fromMs, toMs, limit, order);
    response.json({
      ...base,
      observations: rows.map((row) => ({
        id: row.id,
        phenomenonTime: iso(row.phenomenonTimeMs),
        resultTime: iso(row.resultTimeMs),
        result: row.result,
      })),
    });
  }

  @Get('latest')
  async latest(@CurrentPrincipal() principal: Principal | undefined, @Param('tenant') tenant: string) {
    const datastreams = await this.visibility.readableDatastreams(principal, tenant);
    const latest = await this.observations.latest(tenant, datastreams);

    return datastreams
      .filter((datastream) => latest.has(datastream.id))
      .map((datastream) => {
        const observation = latest.get(datastream.id)!;

        return {
          datastreamId: datastream.id,
          thingId: datastream.thingId,
          observedProperty: datastream.observedProperty.id,
          unit: datastream.unit.code,
          phenomenonTime: iso(observation.phenomenonTimeMs),
          result: observation.result,
        };
      });
  }

  private async streamCsv(
    response: Response,
    datastream: Awaited<ReturnType<VisibilityService['readableDatastream']>>,
    fromMs: number,
    toMs: number,
    format: 'csv' | 'csv-de',
  ): Promise<void> {
    const dialect = CSV_DIALECTS[format];
    const fileName = `${datastream.id.replace(/[^A-Za-z0-9._-]/g, '_')}_${iso(fromMs).slice(0, 10)}.csv`;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    response.write((dialect.bom ? '\ufeff' : '') + csvLine(dialect.header, dialect));

    for await (const page of this.observations.pages(datastream, fromMs, toMs)) {
      const chunk = page
        .map((row) => csvLine([iso(row.phenomenonTimeMs), row.result, datastream.unit.code, datastream.id], dialect))
        .join('');
      if (!response.write(chunk)) {
        await new Promise((resolve) => response.once('drain', resolve));
      }
    }
    response.end();
  }
}
