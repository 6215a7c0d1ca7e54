import type { DeviceContext } from '@stadtdaten/contracts';

/** Entries kept before the cache starts over; bounds memory when many unknown device ids arrive. */
const MAX_ENTRIES = 100_000;

/**
 * Per-process cache of device contexts, including "unknown device" results. Contexts are
 * frozen, and loads of the same device share one query. `invalidate()` empties it; a load
 * that started before an invalidation is returned to its caller but not stored.
 */
export class DeviceContextCache {
  private readonly entries = new Map<string, DeviceContext | null>();
  private readonly loading = new Map<string, Promise<DeviceContext | undefined>>();
  private generation = 0;

  async get(
    tenant: string,
    deviceId: string,
    load: () => Promise<DeviceContext | undefined>,
  ): Promise<DeviceContext | undefined> {
    const key = `${tenant}\u0000${deviceId}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      return cached ?? undefined;
    }
    const pending = this.loading.get(key);
    if (pending !== undefined) {
      return pending;
    }

    const generation = this.generation;
    const promise = load()
      .then((context) => (context === undefined ? undefined : deepFreeze(context)))
      .finally(() => {
        if (this.loading.get(key) === promise) {
          this.loading.delete(key);
        }
      });
    this.loading.set(key, promise);
    const context = await promise;
    if (generation === this.generation) {
      this.store(key, context ?? null);
    }

    return context;
  }

  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  private store(key: string, value: DeviceContext | null): void {
    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.clear();
    }
    this.entries.set(key, value);
  }
}

/** Freezes a cached context so that one caller cannot change what the next one reads. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const entry of Object.values(value)) {
      deepFreeze(entry);
    }
  }

  return value;
}
