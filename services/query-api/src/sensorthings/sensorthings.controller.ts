import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, OptionalAuth } from '@stadtdaten/auth';
import { AppError, Clock, ErrorCode, type Principal } from '@stadtdaten/contracts';
import type { Request, Response } from 'express';
import { StaBatchService } from './sta-batch.service';
import { STA_PREFIX, type StaContext, splitUrl } from './sta-context';
import { type StaResponse, StaRequestsService } from './sta-requests.service';

/**
 * OGC SensorThings API 1.1 per tenant under /sta/v1.1/tenants/<tenant>. Reads work without a
 * token for public data; writes need a token of the tenant. The resource path is parsed by the
 * service, because keys such as Things('a') do not fit route patterns.
 */
@Controller(`${STA_PREFIX}/tenants/:tenant`)
@OptionalAuth()
export class SensorThingsController {
  constructor(
    private readonly requests: StaRequestsService,
    private readonly batch: StaBatchService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async root(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(response, await this.requests.root(this.context(principal, tenant, request)));
  }

  @Get('*path')
  async read(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    const { path, query } = splitUrl(request.originalUrl);
    send(
      response,
      await this.requests.get(this.context(principal, tenant, request), path, new URLSearchParams(query)),
    );
  }

  /** Batch requests in the JSON format of OData 4.01; declared before `*path`, which would match `$batch` too. */
  @Post('$batch')
  async runBatch(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Req() request: Request,
    @Res() response: Response,
    @Body() body: unknown,
  ) {
    send(
      response,
      await this.batch.run(
        this.context(principal, tenant, request),
        body,
        request.headers['accept-language'],
      ),
    );
  }

  @Post('*path')
  async create(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Req() request: Request,
    @Res() response: Response,
    @Body() body: unknown,
  ) {
    send(
      response,
      await this.requests.post(
        this.context(principal, tenant, request),
        splitUrl(request.originalUrl).path,
        body,
      ),
    );
  }

  @Patch('*path')
  async update(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Req() request: Request,
    @Res() response: Response,
    @Body() body: unknown,
  ) {
    send(
      response,
      await this.requests.patch(
        this.context(principal, tenant, request),
        splitUrl(request.originalUrl).path,
        body,
      ),
    );
  }

  @Delete('*path')
  async remove(
    @CurrentPrincipal() principal: Principal | undefined,
    @Param('tenant') tenant: string,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(
      response,
      await this.requests.delete(
        this.context(principal, tenant, request),
        splitUrl(request.originalUrl).path,
      ),
    );
  }

  @Put('*path')
  replace(): never {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      'PUT is not supported: change entities with PATCH and the members to change',
    );
  }

  private context(principal: Principal | undefined, tenant: string, request: Request): StaContext {
    return {
      tenant,
      principal,
      baseUrl: `${request.protocol}://${request.get('host')}/${STA_PREFIX}/tenants/${encodeURIComponent(tenant)}`,
      nowMs: this.clock.now(),
    };
  }
}

function send(response: Response, result: StaResponse): void {
  if (result.location !== undefined) {
    response.setHeader('Location', result.location);
  }
  response.status(result.status);
  if (result.body === undefined) {
    response.end();
  } else if (result.text) {
    response.type('text/plain; charset=utf-8').send(result.body);
  } else {
    response.json(result.body);
  }
}
