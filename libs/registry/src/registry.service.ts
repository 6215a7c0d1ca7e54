import { AppError, ErrorCode, type DeviceContext } from '@stadtdaten/contracts';
import type { DataSource } from 'typeorm';
import { applyCatalogIn } from './catalog/catalog-apply';
import { CkanPublicationRepository } from './ckan-publication.repository';
import { parseCatalogText } from './catalog/catalog-parse';
import { patchDatastreamIn } from './datastream-patch';
import { DeviceContextCache } from './device-context-cache';
import type {
  ApplyCatalogOptions,
  CatalogResult,
  DatastreamDto,
  DatastreamPatch,
  DeviceDto,
  ListDatastreamsOptions,
  ListThingsOptions,
  TenantDto,
  ThingDto,
} from './registry.dto';
import { RegistryQueries } from './registry-queries';
import { WriteLock } from './write-lock';

/** PostgreSQL notification channel on which every registry write is announced. */
const CHANGE_CHANNEL = 'stadtdaten_registry_changed';

/** The part of pg's Client that the change listener uses. */
interface PgListener {
  on(event: 'notification' | 'error', listener: () => void): void;
  connect(): Promise<void>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}

/**
 * Tenants, things, devices and datastreams, read per tenant and changed through catalog
 * documents and datastream patches. Reads of a missing entity return undefined; writes
 * throw AppError with a stable code.
 */
export class RegistryService {
  /** The state of the publication to a CKAN portal, kept in the registry database. */
  readonly ckanPublications: CkanPublicationRepository;
  private readonly queries: RegistryQueries;
  private readonly deviceContexts = new DeviceContextCache();
  private readonly writes = new WriteLock();
  private readonly changeListeners = new Set<() => void>();
  private readonly externalChangeListeners = new Set<() => void>();
  private stopWatching?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pseudonymize?: (tenant: string, clearId: string) => Promise<string>,
  ) {
    this.queries = new RegistryQueries(dataSource.manager);
    this.ckanPublications = new CkanPublicationRepository(dataSource.manager, this.writes);
  }

  async listTenants(): Promise<TenantDto[]> {
    await this.writes.idle();

    return this.queries.listTenants();
  }

  async getTenant(id: string): Promise<TenantDto | undefined> {
    await this.writes.idle();

    return this.queries.getTenant(id);
  }

  /** Lists a tenant's things with the ids of their datastreams, ordered by id. */
  async listThings(tenant: string, options: ListThingsOptions = {}): Promise<ThingDto[]> {
    await this.writes.idle();

    return this.queries.listThings(tenant, options);
  }

  async getThing(tenant: string, id: string): Promise<ThingDto | undefined> {
    await this.writes.idle();

    return this.queries.getThing(tenant, id);
  }

  async listDatastreams(tenant: string, options: ListDatastreamsOptions = {}): Promise<DatastreamDto[]> {
    await this.writes.idle();

    return this.queries.listDatastreams(tenant, options);
  }

  async getDatastream(tenant: string, id: string): Promise<DatastreamDto | undefined> {
    await this.writes.idle();

    return this.queries.getDatastream(tenant, id);
  }

  /** The device type's id and field names, or undefined when the tenant has no such type. */
  async getDeviceType(tenant: string, id: string): Promise<{ id: string; fields: string[] } | undefined> {
    await this.writes.idle();

    return this.queries.getDeviceType(tenant, id);
  }

  async listDevices(tenant: string): Promise<DeviceDto[]> {
    await this.writes.idle();

    return this.queries.listDevices(tenant);
  }

  /**
   * Returns what the validator needs to know about a device, or undefined for an unknown
   * device. Served from a per-process cache (frozen objects) that every write through this
   * service empties.
   */
  getDeviceContext(tenant: string, deviceId: string): Promise<DeviceContext | undefined> {
    // NOTE: the cache reflects writes through this instance at once; writes of other connections only after invalidateCache() (see onChange and watchExternalChanges).
    return this.deviceContexts.get(tenant, deviceId, async () => {
      await this.writes.idle();

      return this.queries.loadDeviceContext(tenant, deviceId);
    });
  }

  /**
   * Validates a catalog document and applies it in one transaction. Applying the same
   * document again changes nothing. Throws AppError INVALID_CATALOG listing every problem.
   */
  async applyCatalog(document: unknown, options: ApplyCatalogOptions = {}): Promise<CatalogResult> {
    const settings = { dryRun: options.dryRun ?? false, allowDerivedTypes: options.allowDerivedTypes ?? false };
    const pseudonymized = await this.pseudonymizeOwners(document);

    return this.write(() =>
      this.dataSource.transaction((manager) => applyCatalogIn(manager, pseudonymized, settings)),
    );
  }

  /**
   * Replaces each device's clear `owner` id by `ownerPseudonym` before anything is validated,
   * planned or stored, so that the clear id appears in no table, change list or error.
   */
  private async pseudonymizeOwners(document: unknown): Promise<unknown> {
    const devices = (document as { devices?: unknown } | null)?.devices;
    if (this.pseudonymize === undefined || !Array.isArray(devices)) {
      return document;
    }
    const replaced = await Promise.all(
      devices.map(async (device: unknown) => {
        const entry = device as { owner?: unknown; tenant?: unknown } | null;
        if (entry === null || typeof entry.owner !== 'string' || typeof entry.tenant !== 'string') {
          return device;
        }
        const { owner, ...rest } = entry as Record<string, unknown> & { owner: string; tenant: string };

        return { ...rest, ownerPseudonym: await this.pseudonymize!(entry.tenant, owner) };
      }),
    );

    return { ...(document as object), devices: replaced };
  }

  /** Parses catalog text: JSON for a `.json` file name, else YAML. Throws AppError INVALID_CATALOG on a syntax error. */
  parseCatalog(text: string, fileName?: string): unknown {
    return parseCatalogText(text, fileName);
  }

  /** Changes attributes of one datastream; throws AppError VALIDATION_FAILED or NOT_FOUND. */
  async patchDatastream(tenant: string, id: string, patch: DatastreamPatch): Promise<DatastreamDto> {
    await this.write(() =>
      this.dataSource.transaction((manager) => patchDatastreamIn(manager, tenant, id, patch)),
    );
    const updated = await this.queries.getDatastream(tenant, id);
    if (updated === undefined) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `datastream "${id}" of tenant "${tenant}" not found after the update`,
      );
    }

    return updated;
  }

  /** Marks a datastream retired, so the validator rejects its readings; its observations stay. */
  retireDatastream(tenant: string, id: string): Promise<DatastreamDto> {
    return this.patchDatastream(tenant, id, { retired: true });
  }

  async isHealthy(): Promise<boolean> {
    if (!this.dataSource.isInitialized) {
      return false;
    }
    try {
      await this.dataSource.query('SELECT 1');

      return true;
    } catch {
      return false;
    }
  }

  /** Closes the database connection; later calls fail. Calling it twice is harmless. */
  async close(): Promise<void> {
    this.stopWatching?.();
    this.deviceContexts.invalidate();
    await this.writes.idle();
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }

  /**
   * Registers a listener that is called after every write through this instance, so that
   * other instances on the same database (in another thread or process) can be notified
   * to empty their caches. Returns a function that removes the listener.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);

    return () => this.changeListeners.delete(listener);
  }

  /**
   * Registers a listener that is called when watchExternalChanges() detects a write of another
   * instance (once more at its first check). Returns a function that removes the listener.
   */
  onExternalChange(listener: () => void): () => void {
    this.externalChangeListeners.add(listener);

    return () => this.externalChangeListeners.delete(listener);
  }

  /** Empties the device context cache, after a write made by another instance. */
  invalidateCache(): void {
    this.deviceContexts.invalidate();
  }

  /**
   * Polls SQLite's data_version, which changes when another connection (another thread or
   * process on the same file) commits, and empties the cache then. Returns a stop function.
   * Does nothing on other databases.
   */
  watchExternalChanges(intervalMs: number): () => void {
    if (this.dataSource.options.type === 'postgres') {
      return this.listenForChanges();
    }
    if (this.dataSource.options.type !== 'better-sqlite3') {
      return () => undefined;
    }
    let lastVersion: number | undefined;
    const timer = setInterval(() => {
      if (!this.dataSource.isInitialized) {
        return;
      }
      void this.dataSource.query('PRAGMA data_version').then(
        (rows: { data_version: number }[]) => {
          const version = rows[0]?.data_version;
          // The first reading has nothing to compare with, so it also empties the cache.
          if (version !== lastVersion) {
            this.externalChangeSeen();
          }
          lastVersion = version;
        },
        () => undefined,
      );
    }, intervalMs);
    timer.unref();

    return () => clearInterval(timer);
  }

  /**
   * Listens on PostgreSQL's channel of registry changes with a connection of its own and
   * empties the cache on each notification. Every write through any instance sends one.
   */
  private listenForChanges(): () => void {
    const driver = this.dataSource.driver as unknown as { postgres: { Client: new (options: object) => PgListener } };
    const client = new driver.postgres.Client({ connectionString: (this.dataSource.options as { url?: string }).url });
    client.on('notification', () => this.externalChangeSeen());
    client.on('error', () => undefined);
    void client.connect().then(() => client.query(`LISTEN ${CHANGE_CHANNEL}`)).catch(() => undefined);

    const stop = () => void client.end().catch(() => undefined);
    this.stopWatching = stop;

    return stop;
  }

  private externalChangeSeen(): void {
    this.deviceContexts.invalidate();
    for (const listener of this.externalChangeListeners) {
      listener();
    }
  }

  /** Runs one write after the previous ones and empties the device context cache afterwards. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.writes.run(work);
    } finally {
      this.deviceContexts.invalidate();
      if (this.dataSource.options.type === 'postgres' && this.dataSource.isInitialized) {
        await this.dataSource.query(`NOTIFY ${CHANGE_CHANNEL}`).catch(() => undefined);
      }
      for (const listener of this.changeListeners) {
        listener();
      }
    }
  }
}
