import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Clock, isDerivedType } from '@stadtdaten/contracts';
import { type DatastreamDto, type DeviceDto, RegistryService, type TenantDto, type ThingDto } from '@stadtdaten/registry';
import { AnalyticsSettings } from '../analytics-settings';
import { restAfter } from '../jobs/time-slice';

interface Cached<T> {
  value: T;
  loadedAtMs: number;
  expiresAtMs: number;
}

/** Shortest time between two reloads of a tenant caused by an unknown datastream id, in milliseconds. */
const MISS_RELOAD_MS = 1000;

/** A tenant's registry entries as the jobs read them. */
export interface TenantSources {
  devices: Map<string, DeviceDto>;
  datastreams: Map<string, DatastreamDto>;
  things: Map<string, ThingDto>;
  /** The datastreams of each device, in the order of `datastreams`. */
  datastreamsByDevice: Map<string, DatastreamDto[]>;
}

/** Indexes registry lists by id. The maps keep the order of the lists, which the registry sorts by id. */
export function tenantSourcesOf(devices: DeviceDto[], datastreams: DatastreamDto[], things: ThingDto[]): TenantSources {
  const datastreamsByDevice = new Map<string, DatastreamDto[]>();
  for (const datastream of datastreams) {
    const list = datastreamsByDevice.get(datastream.deviceId);
    if (list === undefined) {
      datastreamsByDevice.set(datastream.deviceId, [datastream]);
    } else {
      list.push(datastream);
    }
  }

  return {
    devices: new Map(devices.map((device) => [device.id, device])),
    datastreams: new Map(datastreams.map((datastream) => [datastream.id, datastream])),
    things: new Map(things.map((thing) => [thing.id, thing])),
    datastreamsByDevice,
  };
}

/**
 * Registry reads of the jobs, so that a consumed batch or a job run costs no registry query per
 * observation. A tenant's entries are reused until RegistryService reports a change (a write
 * through this process, or a write of another process that watchExternalChanges detects), and
 * for at most AnalyticsTimings.directoryTtlMs. Reading a tenant with tens of thousands of
 * derived datastreams again takes seconds, so it happens only after a change.
 */
@Injectable()
export class SourceDirectory implements OnModuleDestroy {
  private tenantList?: Cached<TenantDto[]>;
  private readonly byTenant = new Map<string, Cached<TenantSources>>();
  /** Loads in progress, so that callers arriving during a load share it. */
  private readonly loading = new Map<string, Promise<TenantSources>>();
  /** Counts invalidations, so that a load that an invalidation overtook is not cached. */
  private generation = 0;
  /** Registrations in progress (withInvalidationDeferred) and whether a change arrived meanwhile. */
  private deferring = 0;
  private changedWhileDeferring = false;
  private readonly stopListening: (() => void)[];

  constructor(
    private readonly registry: RegistryService,
    private readonly clock: Clock,
    private readonly settings: AnalyticsSettings,
  ) {
    this.stopListening = [registry.onChange(() => this.registryChanged()), registry.onExternalChange(() => this.registryChanged())];
  }

  onModuleDestroy(): void {
    this.stopListening.forEach((stop) => stop());
  }

  async tenants(): Promise<TenantDto[]> {
    if (this.tenantList === undefined || this.tenantList.expiresAtMs <= this.clock.now()) {
      this.tenantList = { value: await this.registry.listTenants(), ...this.lifetime() };
    }

    return this.tenantList.value;
  }

  async sources(tenant: string): Promise<TenantSources> {
    const cached = this.byTenant.get(tenant);
    if (cached !== undefined && cached.expiresAtMs > this.clock.now()) {
      return cached.value;
    }
    const running = this.loading.get(tenant);
    if (running !== undefined) {
      return running;
    }

    const load: Promise<TenantSources> = this.load(tenant).finally(() => {
      if (this.loading.get(tenant) === load) {
        this.loading.delete(tenant);
      }
    });
    this.loading.set(tenant, load);

    return load;
  }

  /**
   * Returns a datastream. An id missing from the cached list reloads the tenant (at most once
   * per second), so that a datastream created a moment ago is found.
   */
  async datastream(tenant: string, id: string): Promise<DatastreamDto | undefined> {
    const known = (await this.sources(tenant)).datastreams.get(id);
    if (known !== undefined) {
      return known;
    }
    const cached = this.byTenant.get(tenant);
    if (cached !== undefined && this.clock.now() - cached.loadedAtMs < MISS_RELOAD_MS) {
      return undefined;
    }
    this.invalidate(tenant);

    return (await this.sources(tenant)).datastreams.get(id);
  }

  /** Source datastreams of a tenant: not retired and not fed by an analytics device. */
  async sourceDatastreams(tenant: string): Promise<DatastreamDto[]> {
    const { datastreams, devices } = await this.sources(tenant);

    return [...datastreams.values()].filter((datastream) => {
      const device = devices.get(datastream.deviceId);

      return !datastream.retired && device !== undefined && !isDerivedType(device.deviceTypeId);
    });
  }

  invalidate(tenant: string): void {
    this.byTenant.delete(tenant);
    this.loading.delete(tenant);
    this.generation += 1;
  }

  /**
   * Runs the analytics service's own registry writes and empties the entries once afterwards,
   * where any registry change arrived meanwhile. Each catalog document of a registration is a
   * change, and emptying the entries after each would make readers (the consumer) read the
   * whole tenant again between two documents.
   */
  async withInvalidationDeferred<T>(work: () => Promise<T>): Promise<T> {
    this.deferring += 1;
    try {
      return await work();
    } finally {
      this.deferring -= 1;
      if (this.deferring === 0 && this.changedWhileDeferring) {
        this.changedWhileDeferring = false;
        this.invalidateAll();
      }
    }
  }

  /** Empties every entry, after a registry write. */
  invalidateAll(): void {
    this.tenantList = undefined;
    this.byTenant.clear();
    this.loading.clear();
    this.generation += 1;
  }

  private registryChanged(): void {
    if (this.deferring > 0) {
      this.changedWhileDeferring = true;
    } else {
      this.invalidateAll();
    }
  }

  /**
   * Reads the tenant's devices, datastreams and things. Each list is one synchronous query on
   * the embedded registry, and with tens of thousands of derived datastreams one list takes a
   * second or more on a small machine. So the event loop rests after each list (restAfter).
   */
  private async load(tenant: string): Promise<TenantSources> {
    const generation = this.generation;
    const devices = await timed(() => this.registry.listDevices(tenant));
    const datastreams = await timed(() => this.registry.listDatastreams(tenant));
    const things = await timed(() => this.registry.listThings(tenant));
    const value = tenantSourcesOf(devices, datastreams, things);
    if (this.generation === generation) {
      this.byTenant.set(tenant, { value, ...this.lifetime() });
    }

    return value;
  }

  private lifetime(): { loadedAtMs: number; expiresAtMs: number } {
    const nowMs = this.clock.now();

    return { loadedAtMs: nowMs, expiresAtMs: nowMs + this.settings.timings.directoryTtlMs };
  }
}

/** Runs one registry read, then leaves the event loop free as restAfter() decides from its duration. */
async function timed<T>(read: () => Promise<T>): Promise<T> {
  const startedAtMs = performance.now();
  const result = await read();
  await restAfter(performance.now() - startedAtMs);

  return result;
}
