import { join } from 'node:path';
import { type AuditAction, SqliteAuditLog, auditSystem } from '@stadtdaten/audit';
import { createLogger } from '@stadtdaten/observability';
import { KEY_FILES } from '@stadtdaten/runtime';

/** Appends an entry for work the CLI did directly on a data folder, with the CLI as the actor. */
export async function auditCliAction(
  dataDir: string,
  action: AuditAction,
  target: { resourceType: string; resourceId: string | null },
  details: Record<string, string | number>,
): Promise<void> {
  const log = new SqliteAuditLog({
    directory: join(dataDir, KEY_FILES.auditDir),
    logger: createLogger({ service: 'cli', version: '0.1.0', env: 'cli', level: 'warn' }),
  });
  await log.connect();
  try {
    await log.append({ action, actor: auditSystem('cli'), target: { tenant: null, ...target }, outcome: 'success', details });
  } finally {
    await log.close();
  }
}
