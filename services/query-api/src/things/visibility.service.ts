import { Injectable } from '@nestjs/common';
import { requireTenant } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { type DatastreamDto, RegistryService } from '@stadtdaten/registry';

/**
 * Decides which datastreams a caller may read. Anonymous callers and callers of other
 * tenants see public datastreams only. A tenant's own callers see public and internal
 * ones, and personal datastreams need the personal-data-reader role as well. A datastream
 * the caller may not read returns 404, so its existence does not leak.
 */
@Injectable()
export class VisibilityService {
  constructor(private readonly registry: RegistryService) {}

  /** True when the caller reads the tenant with its own (or a platform-admin) token. */
  isMember(principal: Principal | undefined, tenant: string): boolean {
    return principal !== undefined && (principal.tenant === tenant || principal.roles.includes('platform-admin'));
  }

  canRead(principal: Principal | undefined, datastream: DatastreamDto): boolean {
    if (datastream.classification === 'public') {
      return true;
    }
    if (!this.isMember(principal, datastream.tenant)) {
      return false;
    }

    return datastream.classification !== 'personal' || principal!.roles.includes('personal-data-reader');
  }

  async readableDatastream(principal: Principal | undefined, tenant: string, id: string): Promise<DatastreamDto> {
    const datastream = await this.registry.getDatastream(tenant, id);
    if (datastream === undefined || !this.canRead(principal, datastream)) {
      throw new AppError(ErrorCode.NOT_FOUND, `datastream "${id}" of tenant "${tenant}" not found`);
    }

    return datastream;
  }

  async readableDatastreams(principal: Principal | undefined, tenant: string, thingId?: string) {
    const member = this.isMember(principal, tenant);
    const all = await this.registry.listDatastreams(tenant, { thingId, publicOnly: !member });

    return all.filter((datastream) => this.canRead(principal, datastream));
  }

  /** Throws unless the caller belongs to the tenant; for routes without public data. */
  requireMember(principal: Principal | undefined, tenant: string): Principal {
    return requireTenant(principal, tenant);
  }
}
