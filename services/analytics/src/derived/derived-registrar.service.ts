import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import type { DerivedPlan, DerivedStream } from './derived-catalog';
import { SourceDirectory } from './source-directory.service';

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
    const key = `${plan.tenant}\u0000${plan.deviceId}`;
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
    const result = await this.registry.applyCatalog(plan.document, { allowDerivedTypes: true });
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
