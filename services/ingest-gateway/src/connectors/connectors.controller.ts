import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Roles, requireTenant } from '@stadtdaten/auth';
import type { Principal } from '@stadtdaten/contracts';
import { ConnectorsService } from './connectors.service';

/** Status of the connectors and runs on request: operators of the connector's tenant. */
@Controller('api/v1/connectors')
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  @Get()
  @Roles('tenant-admin')
  list(@CurrentPrincipal() principal: Principal, @Query('tenant') tenant?: string) {
    const admin = principal.roles.includes('platform-admin');
    const scope = admin ? tenant || undefined : requireTenant(principal, tenant || principal.tenant).tenant;

    return { items: this.connectors.list(scope), decoders: this.connectors.decoderNames() };
  }

  @Get(':name')
  @Roles('tenant-admin')
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    requireTenant(principal, this.connectors.definition(name).tenant);

    return this.connectors.get(name);
  }

  /** Starts a run and answers at once (202); the status shows its progress and result. */
  @Post(':name/runs')
  @Roles('tenant-admin')
  @HttpCode(202)
  run(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    requireTenant(principal, this.connectors.definition(name).tenant);
    void this.connectors.run(name, 'manual');

    return this.connectors.get(name);
  }
}
