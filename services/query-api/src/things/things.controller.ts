import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal, OptionalAuth, Roles, requireTenant } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { RegistryService } from '@stadtdaten/registry';
import { VisibilityService } from './visibility.service';

/** Tenants, things and datastreams of the registry, filtered by what the caller may read. */
@Controller('api/v1/tenants')
@OptionalAuth()
export class ThingsController {
  constructor(
    private readonly registry: RegistryService,
    private readonly visibility: VisibilityService,
  ) {}

  /** Devices of a tenant with their type and datastreams; for the tenant's own staff. */
  @Get(':tenant/devices')
  @Roles('tenant-admin', 'analyst')
  listDevices(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string) {
    requireTenant(principal, tenant);

    return this.registry.listDevices(tenant);
  }

  @Get()
  async listTenants() {
    const tenants = await this.registry.listTenants();

    return tenants.map(({ id, name }) => ({ id, name }));
  }

  @Get(':tenant/things')
  async listThings(@CurrentPrincipal() principal: Principal | undefined, @Param('tenant') tenant: string) {
    const member = this.visibility.isMember(principal, tenant);
    const things = await this.registry.listThings(tenant, { publicOnly: !member });
    const readable = new Set((await this.visibility.readableDatastreams(principal, tenant)).map((d) => d.id));

    return things.map((thing) => ({
      ...thing,
      datastreamIds: thing.datastreamIds.filter((id) => readable.has(id)),
    }));
  }

  @Get(':tenant/things/:id')
  async getThing(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Param('id') id: string,
  ) {
    const things = await this.listThings(principal, tenant);
    const thing = things.find((candidate) => candidate.id === id);
    if (thing === undefined) {
      throw new AppError(ErrorCode.NOT_FOUND, `thing "${id}" of tenant "${tenant}" not found`);
    }

    return thing;
  }

  @Get(':tenant/datastreams')
  listDatastreams(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Query('thing') thingId?: string,
  ) {
    return this.visibility.readableDatastreams(principal, tenant, thingId || undefined);
  }

  @Get(':tenant/datastreams/:id')
  getDatastream(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Param('id') id: string,
  ) {
    return this.visibility.readableDatastream(principal, tenant, id);
  }
}
