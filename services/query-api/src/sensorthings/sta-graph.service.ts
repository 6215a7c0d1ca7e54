import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { RegistryService } from '@stadtdaten/registry';
import { VisibilityService } from '../things/visibility.service';
import type { StaContext } from './sta-context';
import { type StaGraph, buildGraph } from './sta-graph';

/**
 * Loads what a caller may read of one tenant as a SensorThings graph. Anonymous callers and
 * other tenants read public datastreams and the things, devices and properties they belong to.
 * The tenant's own callers read every thing and device and the internal datastreams, plus the
 * personal ones with the personal-data-reader role. Retired datastreams are left out.
 */
@Injectable()
export class StaGraphService {
  constructor(
    private readonly registry: RegistryService,
    private readonly visibility: VisibilityService,
  ) {}

  async load(context: StaContext): Promise<StaGraph> {
    const tenant = await this.registry.getTenant(context.tenant);
    if (tenant === undefined) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `tenant "${context.tenant}" not found; GET /api/v1/tenants lists the tenants`,
      );
    }
    const member = this.visibility.isMember(context.principal, context.tenant);
    const [things, datastreams, devices] = await Promise.all([
      this.registry.listThings(context.tenant),
      this.visibility.readableDatastreams(context.principal, context.tenant),
      this.registry.listDevices(context.tenant),
    ]);

    return buildGraph({
      things,
      datastreams: datastreams.filter((datastream) => !datastream.retired),
      devices,
      member,
    });
  }
}
