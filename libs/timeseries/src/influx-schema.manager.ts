import type { Logger } from 'pino';

import type { InfluxHttpClient } from './influx-http.client';
import { retentionPolicyName } from './influx-layout';
import type { InfluxSourceCatalog } from './influx-source.catalog';
import { quoteIdentifier } from './influxql';

/** Default retention policy that InfluxDB 1.x creates with every database (infinite duration). */
export const DEFAULT_RETENTION_POLICY = 'autogen';

/** InfluxDB 1.x prints retention durations as Go durations, e.g. `720h0m0s` for 30 days. */
export function retentionDuration(days: number): string {
  return `${days * 24}h0m0s`;
}

/**
 * Creates databases and retention policies with InfluxQL DDL, once per process each. Without
 * `createDatabases`, ensureDatabase and ensureRetentionPolicy assume that both exist.
 */
export class InfluxSchemaManager {
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(
    private readonly client: InfluxHttpClient,
    private readonly catalog: InfluxSourceCatalog,
    private readonly createDatabases: boolean,
    private readonly logger: Logger,
  ) {}

  /** Creates the database when missing; CREATE DATABASE is idempotent in InfluxDB 1.x. */
  ensureDatabase(database: string): Promise<void> {
    if (!this.createDatabases) return Promise.resolve();

    return this.once(`db\u0000${database}`, async () => {
      await this.client.query([`CREATE DATABASE ${quoteIdentifier(database)}`]);
      this.catalog.addDatabase(database, DEFAULT_RETENTION_POLICY);
      this.logger.info({ database }, 'InfluxDB database ensured');
    });
  }

  /** Ensures the policy `rp_<days>d` exists with that duration; returns its name. */
  async ensureRetentionPolicy(database: string, days: number): Promise<string> {
    const name = retentionPolicyName(days);
    if (!this.createDatabases) return name;

    await this.once(`rp\u0000${database}\u0000${name}`, async () => {
      await this.applyRetentionPolicy(database, days);
    });

    return name;
  }

  /**
   * Creates the policy `rp_<days>d` in the database, or alters its duration back to `days` days
   * when someone changed it. The database's default policy stays as it is.
   */
  async applyRetentionPolicy(database: string, days: number): Promise<string> {
    const name = retentionPolicyName(days);
    const duration = retentionDuration(days);
    const [series] = await this.client.query([`SHOW RETENTION POLICIES ON ${quoteIdentifier(database)}`]);
    const existing = (series ?? []).flatMap((entry) => {
      const nameColumn = entry.columns.indexOf('name');
      const durationColumn = entry.columns.indexOf('duration');

      return entry.values.map((row) => ({
        name: String(row[nameColumn]),
        duration: String(row[durationColumn]),
      }));
    });
    const found = existing.find((policy) => policy.name === name);

    if (found === undefined) {
      await this.client.query([
        `CREATE RETENTION POLICY ${quoteIdentifier(name)} ON ${quoteIdentifier(database)} DURATION ${days}d REPLICATION 1`,
      ]);
      this.logger.info({ database, retentionPolicy: name, days }, 'InfluxDB retention policy created');
    } else if (found.duration !== duration) {
      await this.client.query([
        `ALTER RETENTION POLICY ${quoteIdentifier(name)} ON ${quoteIdentifier(database)} DURATION ${days}d`,
      ]);
      this.logger.info(
        { database, retentionPolicy: name, days, previousDuration: found.duration },
        'InfluxDB retention policy altered',
      );
    }
    this.catalog.addPolicy(database, name);

    return name;
  }

  /** Forgets what was ensured for a database, e.g. after InfluxDB reported it missing. */
  forget(database: string): void {
    for (const key of [...this.ensured.keys()]) {
      if (key.split('\u0000')[1] === database) this.ensured.delete(key);
    }
    this.catalog.invalidate();
  }

  private once(key: string, work: () => Promise<void>): Promise<void> {
    let pending = this.ensured.get(key);
    if (pending === undefined) {
      pending = work();
      this.ensured.set(key, pending);
      pending.catch(() => this.ensured.delete(key));
    }

    return pending;
  }
}
