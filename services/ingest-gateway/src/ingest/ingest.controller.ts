import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { CurrentPrincipal, Roles } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { FORMAT_NAMES, formatForContentType } from '@stadtdaten/formats';
import type { Request } from 'express';
import { IngestService } from './ingest.service';

/** HTTP ingest: the body is one payload of any accepted format, for the caller's tenant. */
@Controller('api/v1/ingest')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  @Roles('device', 'tenant-admin')
  async ingestPayload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Query('device') deviceId?: string,
    @Query('format') format?: string,
  ) {
    if (!deviceId) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        'query parameter "device" is missing: name the sending device',
      );
    }
    if (format !== undefined && !FORMAT_NAMES.includes(format)) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `format "${format}" is unknown: use one of ${FORMAT_NAMES.join(', ')}`,
      );
    }
    const body: unknown = request.body;
    const payload = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    if (payload.byteLength === 0) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'request body is empty: send the payload as the body');
    }
    const contentType = request.headers['content-type'] ?? '';

    const id = await this.ingest.accept({
      tenant: principal.tenant,
      deviceId,
      sourceProtocol: 'http',
      topic: request.path,
      clientId: principal.subject,
      contentType,
      format: format ?? formatForContentType(contentType),
      payload,
      traceParent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined,
    });

    return { id, status: 'accepted' };
  }
}
