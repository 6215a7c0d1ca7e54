import { Injectable } from '@nestjs/common';
import { Clock, isDerivedType } from '@stadtdaten/contracts';
import { type DatastreamDto, type DeviceDto, RegistryService, type TenantDto, type ThingDto } from '@stadtdaten/registry';
import { AnalyticsSettings } from '../analytics-settings';

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
}

/**
 * Registry reads of the jobs, reused for a short time (AnalyticsTimings.directoryTtlMs) so that
 * a consumed batch or a job run costs no registry query per observation. Writes of the analytics
 * service empty the tenant's entry at once.
 */
@Injectable()
export class SourceDirectory {
  private tenantList?: Cached<TenantDto[]>;
  private readonly byTenant = new Map<string, Cached<TenantSources>>();

  constructor(
    private readonly registry: RegistryService,
    private readonly clock: Clock,
    private readonly settings: AnalyticsSettings,
  ) {}

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

    const [devices, datastreams, things] = await Promise.all([
      this.registry.listDevices(tenant),
      this.registry.listDatastreams(tenant),
      this.registry.listThings(tenant),
    ]);
    const value: TenantSources = {
      devices: new Map(devices.map((device) => [device.id, device])),
      datastreams: new Map(datastreams.map((datastream) => [datastream.id, datastream])),
      things: new Map(things.map((thing) => [thing.id, thing])),
    };
    this.byTenant.set(tenant, { value, ...this.lifetime() });

    return value;
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
  }

  private lifetime(): { loadedAtMs: number; expiresAtMs: number } {
    const nowMs = this.clock.now();

    return { loadedAtMs: nowMs, expiresAtMs: nowMs + this.settings.timings.directoryTtlMs };
  }
}
