import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { RegistryService } from '@stadtdaten/registry';

/**
 * Throws INVALID_CONFIG when a tenant or datastream of the registry names a storage profile
 * (a residency label such as onprem-darz, de or eu) that this deployment does not provide,
 * so that no service starts and stores data in a place the catalog rules out.
 */
export async function checkStorageProfiles(registry: RegistryService, available: readonly string[]): Promise<void> {
  const offending: string[] = [];
  for (const tenant of await registry.listTenants()) {
    if (!available.includes(tenant.storageProfile)) {
      offending.push(`tenant ${tenant.id} (${tenant.storageProfile})`);
    }
    for (const datastream of await registry.listDatastreams(tenant.id)) {
      if (!available.includes(datastream.storageProfile)) {
        offending.push(`datastream ${tenant.id}/${datastream.id} (${datastream.storageProfile})`);
      }
    }
  }
  if (offending.length > 0) {
    const shown = offending.slice(0, 10).join(', ') + (offending.length > 10 ? ` and ${offending.length - 10} more` : '');
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `this deployment provides the storage profiles ${available.join(', ')}, but the registry names others: ${shown}; ` +
        'deploy where those profiles exist, or change the storage profile in the catalog',
    );
  }
}
