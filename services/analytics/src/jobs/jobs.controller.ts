import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Roles, requireTenant } from '@stadtdaten/auth';
import type { Principal } from '@stadtdaten/contracts';
import { JobTracker } from './job-tracker.service';

/** Status of the analytics jobs: a tenant admin gets their tenant, a platform admin every tenant. */
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly tracker: JobTracker) {}

  @Get()
  @Roles('tenant-admin')
  list(@CurrentPrincipal() principal: Principal, @Query('tenant') tenant?: string) {
    const admin = principal.roles.includes('platform-admin');
    const scope = admin ? tenant || undefined : requireTenant(principal, tenant || principal.tenant).tenant;

    return { items: this.tracker.list(scope) };
  }
}
