import type { InfluxHttpClient, InfluxSeries } from './influx-http.client';
import { type InfluxDatabaseLayout, parseTenantDatabase, tenantDatabasePrefix } from './influx-layout';
import { type InfluxSource, quoteIdentifier } from './influxql';

/** A database and retention policy to read, with the storage profile its database stands for. */
export interface TenantSource extends InfluxSource {
  /** Known in the per-tenant-profile layout, where the database name carries the profile. */
  profile?: string;
}

/**
 * How long a listing of databases and retention policies is reused. Databases and policies that
 * this process creates are added at once; those that another process creates are seen after
 * at most this long.
 */
export const CATALOG_TTL_MS = 10_000;

interface Listing<T> {
  value: T;
  loadedAtMs: number;
}

/**
 * Lists the sources a read must look at: every retention policy of every database of a tenant
 * (per-tenant-profile layout) or of the one database (single layout). Reads query each source,
 * because points of one datastream sit in the retention policy of its retention class, and an
 * older retention class may still hold some of them.
 */
export class InfluxSourceCatalog {
  private databases: Listing<Set<string>> | undefined;
  private readonly policies = new Map<string, Listing<Set<string>>>();

  constructor(
    private readonly client: InfluxHttpClient,
    private readonly layout: { kind: InfluxDatabaseLayout; prefix: string; database: string },
    private readonly now: () => number = Date.now,
  ) {}

  async sourcesOf(tenant: string): Promise<TenantSource[]> {
    const databases = await this.databasesOf(tenant);
    await this.loadPolicies(databases.map((entry) => entry.database));

    return databases.flatMap(({ database, profile }) =>
      [...(this.policies.get(database)?.value ?? [])]
        .sort()
        .map((retentionPolicy) => ({ database, retentionPolicy, profile })),
    );
  }

  /** Records a database that this process created or wrote to, with its default policy. */
  addDatabase(database: string, defaultPolicy: string | undefined): void {
    this.databases?.value.add(database);
    if (defaultPolicy !== undefined) this.addPolicy(database, defaultPolicy);
  }

  addPolicy(database: string, retentionPolicy: string): void {
    this.policies.get(database)?.value.add(retentionPolicy);
  }

  /** Forgets every listing, so the next read lists again. */
  invalidate(): void {
    this.databases = undefined;
    this.policies.clear();
  }

  private async databasesOf(tenant: string): Promise<Array<{ database: string; profile?: string }>> {
    const all = await this.listDatabases();
    if (this.layout.kind === 'single') {
      return all.has(this.layout.database) ? [{ database: this.layout.database }] : [];
    }

    const start = tenantDatabasePrefix(this.layout.prefix, tenant);
    const found: Array<{ database: string; profile?: string }> = [];
    for (const database of [...all].sort()) {
      const parsed = database.startsWith(start)
        ? parseTenantDatabase(this.layout.prefix, database)
        : undefined;
      if (parsed !== undefined && parsed.tenant === tenant) found.push({ database, profile: parsed.profile });
    }

    return found;
  }

  private async listDatabases(): Promise<Set<string>> {
    if (this.databases !== undefined && this.fresh(this.databases)) return this.databases.value;

    const [series] = await this.client.query(['SHOW DATABASES']);
    const names = new Set(firstColumn(series));
    this.databases = { value: names, loadedAtMs: this.now() };

    return names;
  }

  private async loadPolicies(databases: string[]): Promise<void> {
    const stale = databases.filter((database) => {
      const listing = this.policies.get(database);

      return listing === undefined || !this.fresh(listing);
    });
    if (stale.length === 0) return;

    const results = await this.client.query(
      stale.map((database) => `SHOW RETENTION POLICIES ON ${quoteIdentifier(database)}`),
    );
    stale.forEach((database, index) => {
      this.policies.set(database, { value: new Set(firstColumn(results[index])), loadedAtMs: this.now() });
    });
  }

  private fresh(listing: Listing<unknown>): boolean {
    return this.now() - listing.loadedAtMs < CATALOG_TTL_MS;
  }
}

/** Values of the `name` column (the first one) of SHOW DATABASES and SHOW RETENTION POLICIES. */
function firstColumn(series: InfluxSeries[] | undefined): string[] {
  return (series ?? []).flatMap((entry) => {
    const column = Math.max(entry.columns.indexOf('name'), 0);

    return (entry.values ?? []).map((row) => String(row[column]));
  });
}
