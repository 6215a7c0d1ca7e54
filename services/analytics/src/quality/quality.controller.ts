import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal, Roles, requireTenant } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { PROBLEM_RULES } from './quality-rules';
import { QualityService } from './quality.service';

const STATUSES = ['ok', 'unknown', ...PROBLEM_RULES];

/** Data-quality status per device and datastream, scoped to the caller's tenant (platform admins choose any). */
@Controller('api/v1/quality')
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Get()
  @Roles('tenant-admin', 'analyst')
  list(@CurrentPrincipal() principal: Principal, @Query('tenant') tenant?: string, @Query('status') status?: string) {
    if (status !== undefined && !STATUSES.includes(status)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `parameter "status" = "${status}" is not supported: use one of ${STATUSES.join(', ')}`);
    }
    const scope = this.scope(principal, tenant);
    const items = this.quality.list(scope).filter((item) => status === undefined || item.status === status);

    return { items };
  }

  @Get(':deviceId')
  @Roles('tenant-admin', 'analyst')
  get(@CurrentPrincipal() principal: Principal, @Param('deviceId') deviceId: string, @Query('tenant') tenant?: string) {
    const scope = this.scope(principal, tenant) ?? principal.tenant;
    const item = this.quality.list(scope).find((entry) => entry.deviceId === deviceId);
    if (item === undefined) {
      throw new AppError(ErrorCode.NOT_FOUND, `no quality status for device "${deviceId}" of tenant "${scope}"; GET /api/v1/quality lists the checked devices`);
    }

    return item;
  }

  private scope(principal: Principal, tenant: string | undefined): string | undefined {
    if (principal.roles.includes('platform-admin')) {
      return tenant || undefined;
    }

    return requireTenant(principal, tenant || principal.tenant).tenant;
  }
}
