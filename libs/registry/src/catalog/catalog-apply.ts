import type { EntityManager } from 'typeorm';
import { isTenantId } from '@stadtdaten/contracts';
import type { CatalogResult } from '../registry.dto';
import { catalogSchema } from './catalog.schema';
import { planCatalog } from './catalog-plan';
import { ProblemList, describeZodIssue, invalidCatalogError } from './catalog-problems';
import { checkReferences } from './catalog-references';
import { checkReservedIds } from './catalog-reserved';
import { loadStoredState } from './catalog-state';

/**
 * Validates a catalog document against its schema, the reserved ids and the stored registry,
 * then writes the planned changes unless `dryRun` is set. Throws AppError INVALID_CATALOG
 * listing every problem before anything is written. Run it inside one transaction.
 */
export async function applyCatalogIn(
  manager: EntityManager,
  document: unknown,
  options: { dryRun: boolean; allowDerivedTypes: boolean },
): Promise<CatalogResult> {
  const stored = await loadStoredState(manager, tenantIdsIn(document));

  const problems = new ProblemList();
  const parsed = catalogSchema.safeParse(document, { reportInput: true });
  for (const issue of parsed.error?.issues ?? []) {
    problems.add(issue.path as Array<string | number>, describeZodIssue(issue));
  }
  checkReservedIds(document, problems, options.allowDerivedTypes);
  checkReferences(document, stored, problems);
  if (!parsed.success || problems.size > 0) {
    throw invalidCatalogError(problems.sorted());
  }

  const plan = planCatalog(parsed.data, stored);
  if (!options.dryRun) {
    for (const write of plan.writes) {
      if (write.insert) {
        await manager.insert(write.target, write.values);
      } else {
        await manager.update(write.target, write.key, write.values);
      }
    }
  }

  return { created: plan.created, updated: plan.updated, unchanged: plan.unchanged, changes: plan.changes };
}

/** Collects every valid tenant id the raw document mentions, so that only those tenants' rows are loaded. */
function tenantIdsIn(document: unknown): string[] {
  const ids = new Set<string>();
  if (typeof document !== 'object' || document === null) {
    return [];
  }
  const sections = document as Record<string, unknown>;
  for (const [section, key] of [
    ['tenants', 'id'],
    ['deviceTypes', 'tenant'],
    ['things', 'tenant'],
    ['devices', 'tenant'],
  ] as const) {
    const entries = sections[section];
    if (!Array.isArray(entries)) {
      continue;
    }
    for (const entry of entries) {
      const id = (entry as Record<string, unknown> | null)?.[key];
      if (typeof id === 'string' && isTenantId(id)) {
        ids.add(id);
      }
    }
  }

  return [...ids];
}
