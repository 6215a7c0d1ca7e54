import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { AppError, CLASSIFICATIONS, ErrorCode, VALUE_TYPES } from '@stadtdaten/contracts';
import { describeZodIssue, formatPath } from './catalog/catalog-problems';
import { entry, oneOf } from './catalog/schema-helpers';
import { DatastreamEntity } from './entities/datastream.entity';
import type { DatastreamPatch } from './registry.dto';
import { valueSchemaProblems } from './value-schema';

const patchSchema = entry({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(4000).optional(),
  classification: oneOf(CLASSIFICATIONS, 'classification').optional(),
  retentionDays: z.number().int().min(1).nullable().optional(),
  valueSchema: entry({
    type: oneOf(VALUE_TYPES, 'value type'),
    min: z.number().optional(),
    max: z.number().optional(),
  }).optional(),
  retired: z.boolean().optional(),
});

/**
 * Validates a patch and writes the attributes it changes. Throws AppError
 * VALIDATION_FAILED listing every problem, or NOT_FOUND for an unknown datastream.
 * Returns whether anything changed.
 */
export async function patchDatastreamIn(
  manager: EntityManager,
  tenant: string,
  id: string,
  patch: unknown,
): Promise<boolean> {
  const valid = validatePatch(id, patch);
  const row = await manager.findOneBy(DatastreamEntity, { tenantId: tenant, id });
  if (row === null) {
    throw new AppError(
      ErrorCode.NOT_FOUND,
      `datastream "${id}" of tenant "${tenant}" not found; check the id, which has the form <deviceId>.<field>`,
      { details: { tenant, datastreamId: id } },
    );
  }

  const changes: DatastreamPatch = {};
  for (const [key, value] of Object.entries(valid) as Array<[keyof DatastreamPatch, unknown]>) {
    const current: unknown = row[key];
    if (value !== undefined && JSON.stringify(current) !== JSON.stringify(value)) {
      Object.assign(changes, { [key]: value });
    }
  }
  if (Object.keys(changes).length === 0) {
    return false;
  }
  await manager.update(DatastreamEntity, { tenantId: tenant, id }, changes);

  return true;
}

function validatePatch(id: string, patch: unknown): DatastreamPatch {
  const parsed = patchSchema.safeParse(patch, { reportInput: true });
  const problems = (parsed.error?.issues ?? []).map((issue) =>
    issue.path.length === 0
      ? describeZodIssue(issue)
      : `${formatPath(issue.path as string[])}: ${describeZodIssue(issue)}`,
  );
  const schema = (patch as { valueSchema?: unknown } | null)?.valueSchema;
  if (typeof schema === 'object' && schema !== null) {
    for (const problem of valueSchemaProblems(schema as Record<string, unknown>)) {
      problems.push(`valueSchema.${problem.key}: ${problem.message}`);
    }
  }
  if (!parsed.success || problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid change to datastream "${id}" (${count}); nothing was changed:\n${problems.map((line) => `- ${line}`).join('\n')}`,
      { details: { datastreamId: id, problems } },
    );
  }

  return parsed.data;
}
