import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { CurrentPrincipal, Roles, requireRoles } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { FORMAT_NAMES, formatForContentType } from '@stadtdaten/formats';
import type { Request } from 'express';
import { type IncomingPayload, IngestService } from './ingest.service';
import { ResubmissionService } from './resubmission.service';

/**
 * HTTP ingest: the body is one payload of any accepted format, for the caller's tenant. With
 * `rejection=<id>` the payload is the corrected message of that rejection (tenant-admin only),
 * and the rejection is marked as re-submitted.
 */
@Controller('api/v1/ingest')
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly resubmissions: ResubmissionService,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('device', 'tenant-admin')
  async ingestPayload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Query('device') device?: string,
    @Query('format') format?: string,
    @Query('rejection') rejection?: unknown,
  ) {
    const { deviceId, rejectionId } = checkQuery(device, format, rejection);
    const body: unknown = request.body;
    const payload = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    if (payload.byteLength === 0) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'request body is empty: send the payload as the body');
    }
    const contentType = request.headers['content-type'] ?? '';
    const incoming: IncomingPayload = {
      tenant: principal.tenant,
      deviceId,
      sourceProtocol: 'http',
      topic: request.path,
      clientId: principal.subject,
      contentType,
      format: format ?? formatForContentType(contentType),
      payload,
      traceParent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined,
    };

    if (rejectionId === undefined) {
      return { id: await this.ingest.accept(incoming), status: 'accepted' };
    }
    // Devices send new readings only; marking a rejection is an operator's decision.
    requireRoles(principal, ['tenant-admin']);
    const { messageId, resubmission } = await this.resubmissions.resubmit(incoming, rejectionId, principal.subject);

    return {
      id: messageId,
      status: 'accepted',
      rejection: {
        id: rejectionId,
        state: 'resubmitted',
        resubmittedAt: new Date(resubmission.resubmittedAtMs).toISOString(),
        resubmittedBy: resubmission.resubmittedBy,
      },
    };
  }
}

/**
 * Throws VALIDATION_FAILED for a missing device, an unknown format or a malformed rejection id;
 * returns the device id and the rejection id, if any.
 */
function checkQuery(
  deviceId: string | undefined,
  format: string | undefined,
  rejection: unknown,
): { deviceId: string; rejectionId?: string } {
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
  // Express reads a repeated parameter as an array, which names no single rejection.
  if (rejection !== undefined && (typeof rejection !== 'string' || rejection === '')) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      'query parameter "rejection" is invalid: name the id of one rejection, as GET /api/v1/tenants/{tenant}/rejections lists it',
    );
  }

  return { deviceId, rejectionId: rejection };
}
