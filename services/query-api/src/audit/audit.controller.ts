import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@stadtdaten/auth';
import { AuditAction, AuditLog } from '@stadtdaten/audit';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { parseLimit, parseTimeParam } from '../observations/query-params';

const ACTIONS = Object.values(AuditAction) as string[];

/** The audit log: who read protected data, changed the catalog, rotated keys or failed to log in. */
@Controller('api/v1/audit')
@Roles('platform-admin')
export class AuditController {
  constructor(private readonly auditLog: AuditLog) {}

  /** Entries, newest first; filter by time range, action, tenant and actor subject, page with `cursor`. */
  @Get()
  list(@Query() query: Record<string, string | undefined>) {
    if (query.action !== undefined && !ACTIONS.includes(query.action)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `parameter "action" = "${query.action}" is unknown: use one of ${ACTIONS.join(', ')}`);
    }

    return this.auditLog.list({
      fromMs: query.from ? parseTimeParam('from', query.from, 0) : undefined,
      toMs: query.to ? parseTimeParam('to', query.to, 0) : undefined,
      action: query.action === undefined ? undefined : (query.action as AuditAction),
      tenant: query.tenant || undefined,
      actor: query.subject ? { subject: query.subject } : undefined,
      cursor: query.cursor || undefined,
      limit: parseLimit(query.limit, 100, 1000),
    });
  }

  /** Walks the hash chain and reports the first changed, removed or reordered entry. */
  @Get('verification')
  verify() {
    return this.auditLog.verify();
  }
}
