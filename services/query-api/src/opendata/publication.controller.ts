import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal, Roles } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { CkanPublicationService, type PublicationReport } from './ckan-publication.service';

/** State of the publication to the CKAN portal; operators only. */
@Controller('api/v1/opendata/publication')
export class PublicationController {
  constructor(private readonly publication: CkanPublicationService) {}

  /** Lists each dataset as published, pending, failed (with error and time) or withdrawn; a tenant admin gets the own tenant's datasets only. */
  @Get()
  @Roles('tenant-admin')
  get(@CurrentPrincipal() principal: Principal): PublicationReport {
    const report = this.publication.report();
    if (principal.roles.includes('platform-admin')) {
      return report;
    }

    return { ...report, datasets: report.datasets.filter((dataset) => dataset.tenant === principal.tenant) };
  }

  /** Starts a publication run now (or right after the current one). */
  @Post('runs')
  @Roles('platform-admin')
  @HttpCode(202)
  start(): PublicationReport {
    if (!this.publication.trigger('requested through the API')) {
      throw new AppError(ErrorCode.CONFLICT, 'no CKAN portal is configured: set STADTDATEN_CKAN_URL, STADTDATEN_CKAN_API_KEY and STADTDATEN_CKAN_ORGANIZATION');
    }

    return this.publication.report();
  }
}
