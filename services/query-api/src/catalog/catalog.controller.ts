import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Roles, requireTenant } from '@stadtdaten/auth';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { REJECTION_STATES, type RejectionState, RejectionStore, rejectionState } from '@stadtdaten/dead-letter';
import { type DatastreamPatch, RegistryService } from '@stadtdaten/registry';
import { AuditTrail } from '@stadtdaten/runtime';
import { parseLimit, parseTimeParam } from '../observations/query-params';

/** Registry changes and the dead letter: operators only. */
@Controller('api/v1')
export class CatalogController {
  constructor(
    private readonly registry: RegistryService,
    private readonly rejections: RejectionStore,
    private readonly audit: AuditTrail,
  ) {}

  /** Applies a catalog document (YAML or JSON body); idempotent, so it responds 200 and not 201. */
  @Post('catalog')
  @HttpCode(200)
  @Roles('tenant-admin')
  async applyCatalog(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Query('dryRun') dryRun?: string,
  ) {
    const document = typeof body === 'string' ? this.registry.parseCatalog(body) : body;
    if (!principal.roles.includes('platform-admin')) {
      for (const tenant of tenantsNamedIn(document)) {
        requireTenant(principal, tenant);
      }
    }

    const result = await this.registry.applyCatalog(document, { dryRun: dryRun === 'true' });
    if (dryRun !== 'true') {
      const tenants = tenantsNamedIn(document);
      await this.audit.record(
        principal,
        'CATALOG_CHANGED',
        { tenant: tenants.length === 1 ? tenants[0]! : null, resourceType: 'catalog', resourceId: null },
        'success',
        { tenants: tenants.join(','), created: result.created, updated: result.updated, unchanged: result.unchanged },
      );
    }

    return result;
  }

  @Patch('tenants/:tenant/datastreams/:id')
  @Roles('tenant-admin')
  async patchDatastream(
    @CurrentPrincipal() principal: Principal,
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() patch: DatastreamPatch,
  ) {
    requireTenant(principal, tenant);
    const updated = await this.registry.patchDatastream(tenant, id, patch);
    await this.audit.record(principal, 'DATASTREAM_CHANGED', { tenant, resourceType: 'datastream', resourceId: id }, 'success', {
      fields: Object.keys(patch ?? {}).sort().join(','),
    });

    return updated;
  }

  @Get('tenants/:tenant/rejections')
  @Roles('tenant-admin')
  async listRejections(
    @CurrentPrincipal() principal: Principal,
    @Param('tenant') tenant: string,
    @Query() query: Record<string, string | undefined>,
  ) {
    requireTenant(principal, tenant);
    const state = parseState(query.state);
    await this.audit.record(principal, 'DATA_READ_NON_PUBLIC', { tenant, resourceType: 'rejections', resourceId: null }, 'success', {
      reason: query.reason ?? null,
      device: query.device ?? null,
      state: state ?? 'all',
    });
    const { items, total } = await this.rejections.list({
      tenant,
      reasonCode: query.reason || undefined,
      deviceId: query.device || undefined,
      state,
      fromMs: query.from ? parseTimeParam('from', query.from, 0) : undefined,
      toMs: query.to ? parseTimeParam('to', query.to, 0) : undefined,
      limit: parseLimit(query.limit, 100, 1000),
      offset: query.offset ? parseLimit(query.offset, 0, 1_000_000) : 0,
    });

    return {
      total,
      items: items.map((item) => ({
        ...item,
        receivedAt: new Date(item.receivedAtMs).toISOString(),
        rejectedAt: new Date(item.rejectedAtMs).toISOString(),
        state: rejectionState(item),
        resubmittedAtMs: item.resubmittedAtMs ?? null,
        resubmittedAt: item.resubmittedAtMs === undefined ? null : new Date(item.resubmittedAtMs).toISOString(),
        resubmittedBy: item.resubmittedBy ?? null,
      })),
    };
  }
}

/** Reads the `state` filter: `open`, `resubmitted` or `all` (the default, undefined). */
function parseState(value: string | undefined): RejectionState | undefined {
  if (value === undefined || value === '' || value === 'all') {
    return undefined;
  }
  if (!(REJECTION_STATES as readonly string[]).includes(value)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `state "${value}" is unknown: use ${[...REJECTION_STATES, 'all'].join(', ')}`, {
      details: { state: value },
    });
  }

  return value as RejectionState;
}

/** Lists every tenant id a catalog document names, so a tenant admin can change only their own tenant. */
function tenantsNamedIn(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) {
    throw new AppError(ErrorCode.INVALID_CATALOG, 'catalog must be a YAML or JSON object');
  }
  const tenants = new Set<string>();
  for (const section of ['tenants', 'deviceTypes', 'things', 'devices']) {
    const entries = (document as Record<string, unknown>)[section];
    for (const entry of Array.isArray(entries) ? entries : []) {
      const tenant = section === 'tenants' ? entry?.id : entry?.tenant;
      if (typeof tenant === 'string') {
        tenants.add(tenant);
      }
    }
  }

  return [...tenants];
}
