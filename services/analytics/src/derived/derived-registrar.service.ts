import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { restAfter } from '../jobs/time-slice';
import type { DerivedPlan, DerivedStream } from './derived-catalog';
import { type PendingPlan, mergeDocuments } from './catalog-merge';
import { SourceDirectory } from './source-directory.service';

/**
 * Datastreams that one merged catalog document of registerAll() may create. Each apply also
 * reads the tenant's whole registry state, so larger documents cost less in total, and smaller
 * ones hold the registry (and, in the all-in-one platform, the event loop) for less time. About
 * 250 rollup devices of a one-field source type fit.
 */
const MAX_DATASTREAMS_PER_DOCUMENT = 4000;

/**
 * Registers derived devices through catalog documents. A plan is applied when its document
 * differs from the one applied last in this process, so an unchanged plan costs no registry
 * write. Applying the same document twice changes nothing in the registry either.
 */
@Injectable()
export class DerivedRegistrar {
  private readonly applied = new Map<string, string>();
  private readonly running = new Map<string, Promise<DerivedStream[]>>();
  private readonly log: Logger;

  constructor(
    private readonly registry: RegistryService,
    private readonly directory: SourceDirectory,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'analytics-registrar' });
  }

  /**
   * Makes sure the plan's device, device type and datastreams exist as planned, and returns
   * the active datastreams. Throws AppError CONFLICT when a device of another type has the
   * derived device's id.
   */
  async ensure(plan: DerivedPlan): Promise<DerivedStream[]> {
    const key = registrationKey(plan);
    const document = JSON.stringify(plan.document);
    if (this.applied.get(key) === document) {
      return plan.streams;
    }
    const pending = this.running.get(key);
    if (pending !== undefined) {
      await pending.catch(() => undefined);

      return this.ensure(plan);
    }

    const work = this.apply(plan, key, document);
    this.running.set(key, work);
    try {
      return await work;
    } finally {
      this.running.delete(key);
    }
  }

  /**
   * Registers many plans with few catalog documents before a job ensures them one by one, so
   * that N new derived devices cost a few registry writes and one reload of the directory
   * instead of N of each. Plans that fail here (a conflicting device, an invalid merged
   * document) stay unapplied, and their own ensure() call reports the error.
   */
  async registerAll(plans: DerivedPlan[]): Promise<void> {
    const byTenant = new Map<string, Map<string, PendingPlan>>();
    for (const plan of plans) {
      const key = registrationKey(plan);
      const document = JSON.stringify(plan.document);
      if (this.applied.get(key) === document || this.running.has(key)) {
        continue;
      }
      const pending = byTenant.get(plan.tenant) ?? new Map<string, PendingPlan>();
      byTenant.set(plan.tenant, pending);
      if (!pending.has(key)) {
        pending.set(key, { plan, document });
      }
    }

    for (const [tenant, pending] of byTenant) {
      await this.directory.withInvalidationDeferred(() => this.registerTenant(tenant, [...pending.values()]));
    }
  }

  private async registerTenant(tenant: string, pending: PendingPlan[]): Promise<void> {
    const { devices } = await this.directory.sources(tenant);
    const free = pending.filter(({ plan }) => {
      const existing = devices.get(plan.deviceId);

      return existing === undefined || existing.deviceTypeId === plan.deviceTypeId;
    });

    let changed = false;
    for (const chunk of mergeDocuments(free, MAX_DATASTREAMS_PER_DOCUMENT)) {
      const startedAtMs = performance.now();
      try {
        const result = await this.registry.applyCatalog(chunk.document, { allowDerivedTypes: true });
        chunk.members.forEach(({ plan, document }) => this.applied.set(registrationKey(plan), document));
        if (result.created > 0 || result.updated > 0) {
          changed = true;
          this.log.info(
            { tenant, devices: chunk.members.length, created: result.created, updated: result.updated },
            'derived devices registered',
          );
        }
      } catch (error) {
        this.log.warn(
          { err: error, tenant, devices: chunk.members.length },
          'merged registration of derived devices failed, so each is registered alone',
        );
      }
      await restAfter(performance.now() - startedAtMs);
    }
    if (changed) {
      this.directory.invalidate(tenant);
    }
  }

  private async apply(plan: DerivedPlan, key: string, document: string): Promise<DerivedStream[]> {
    const existing = (await this.directory.sources(plan.tenant)).devices.get(plan.deviceId);
    if (existing !== undefined && existing.deviceTypeId !== plan.deviceTypeId) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `device "${plan.deviceId}" of tenant "${plan.tenant}" has type "${existing.deviceTypeId}", not the analytics type "${plan.deviceTypeId}"; rename that device or exclude its source from the job's inputs`,
        { details: { tenant: plan.tenant, deviceId: plan.deviceId } },
      );
    }

    // Only this registrar may define device types with the reserved prefix analytics-.
    const startedAtMs = performance.now();
    const result = await this.registry.applyCatalog(plan.document, { allowDerivedTypes: true });
    await restAfter(performance.now() - startedAtMs);
    this.applied.set(key, document);
    if (result.created > 0 || result.updated > 0) {
      this.directory.invalidate(plan.tenant);
      this.log.info(
        { tenant: plan.tenant, deviceId: plan.deviceId, created: result.created, updated: result.updated },
        'derived device registered',
      );
    }

    return plan.streams;
  }
}

function registrationKey(plan: DerivedPlan): string {
  return `${plan.tenant}\u0000${plan.deviceId}`;
}
