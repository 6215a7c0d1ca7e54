import { Controller, Get, Param, Query } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import { PublicQualityService } from './public-quality.service';

/**
 * Quality status of a tenant's public datastreams, also without a token. Every caller gets the
 * same response, because it contains public datastreams only. The path lies under
 * /api/v1/quality, so that the Ingress sends it to the analytics service as well.
 */
@Controller('api/v1/quality/public')
@OptionalAuth()
export class PublicQualityController {
  constructor(private readonly publicQuality: PublicQualityService) {}

  @Get(':tenant')
  async list(@Param('tenant') tenant: string, @Query('thing') thingId?: string) {
    return { items: await this.publicQuality.list(tenant, thingId || undefined) };
  }
}
