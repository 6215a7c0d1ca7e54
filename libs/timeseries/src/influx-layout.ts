/**
 * Database layout in InfluxDB. `per-tenant-profile` keeps a database per tenant and storage
 * profile. `single` keeps one database with `tenant` and `profile` tags, for InfluxDB 3 Core,
 * which allows only 5 databases.
 */
export type InfluxDatabaseLayout = 'per-tenant-profile' | 'single';

export const DEFAULT_DATABASE_PREFIX = 'stadtdaten';

/** Ids that map to a readable name part: lower-case letters and digits in dash-separated runs. */
const READABLE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const READABLE_PART = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const ENCODED_PART = /^X(?:[0-9a-f]{2})+$/;

/**
 * Encodes a tenant or profile id as part of a database name. Readable ids keep their letters and
 * digits and turn each `-` into `_`; any other id becomes `X` and the hex of its UTF-8 bytes.
 * Neither form contains `__` and the two forms never overlap (only the second has an upper-case
 * letter), so `__` can separate tenant and profile and every name maps back to one pair.
 */
export function encodeNamePart(id: string): string {
  if (READABLE_ID.test(id)) return id.replaceAll('-', '_');

  return `X${Buffer.from(id, 'utf8').toString('hex')}`;
}

/** Reverses encodeNamePart; returns undefined for a part that it cannot have produced. */
export function decodeNamePart(part: string): string | undefined {
  if (READABLE_PART.test(part)) return part.replaceAll('_', '-');
  if (ENCODED_PART.test(part)) return Buffer.from(part.slice(1), 'hex').toString('utf8');

  return undefined;
}

/**
 * Database of one tenant and storage profile: `<prefix>_<tenant>__<profile>`, for example
 * `stadtdaten_darmstadt__onprem_darz`. The separator is `__` because a single `_` could not tell
 * tenant `a-b` with profile `c` from tenant `a` with profile `b-c`.
 *
 * NOTE: InfluxDB 3 Core limits database names to 64 characters (its naming restrictions page).
 * Long tenant ids exceed that, and so do ids outside the readable form, which double in hex.
 */
export function tenantDatabase(prefix: string, tenant: string, profile: string): string {
  return `${tenantDatabasePrefix(prefix, tenant)}${encodeNamePart(profile)}`;
}

/** Returns the start that every database of the tenant shares and no other tenant's database has. */
export function tenantDatabasePrefix(prefix: string, tenant: string): string {
  return `${prefix}_${encodeNamePart(tenant)}__`;
}

/** Splits a database name made by tenantDatabase; undefined for any other name. */
export function parseTenantDatabase(
  prefix: string,
  database: string,
): { tenant: string; profile: string } | undefined {
  if (!database.startsWith(`${prefix}_`)) return undefined;
  const rest = database.slice(prefix.length + 1);
  const separator = rest.indexOf('__');
  if (separator < 0) return undefined;

  const tenant = decodeNamePart(rest.slice(0, separator));
  const profile = decodeNamePart(rest.slice(separator + 2));
  if (tenant === undefined || profile === undefined) return undefined;

  return { tenant, profile };
}

/**
 * Retention policy of datastreams kept for `days` days. InfluxDB keeps retention per database
 * and retention policy, not per series, so datastreams share one policy per retention class.
 */
export function retentionPolicyName(days: number): string {
  return `rp_${days}d`;
}

/** Maximum retention accepted: 100 years. */
export const MAX_RETENTION_DAYS = 36_500;

export function isRetentionDays(days: unknown): days is number {
  return Number.isSafeInteger(days) && (days as number) >= 1 && (days as number) <= MAX_RETENTION_DAYS;
}
