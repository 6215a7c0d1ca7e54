import type { EntityTarget } from 'typeorm';

/** One insert or update, in foreign-key order. */
export interface PlannedWrite {
  target: EntityTarget<object>;
  key: Record<string, string>;
  values: Record<string, unknown>;
  insert: boolean;
}

export interface CatalogPlan {
  writes: PlannedWrite[];
  created: number;
  updated: number;
  unchanged: number;
  changes: string[];
}

/** Collects planned writes and counts each entity as created, updated or unchanged. */
export class ChangeSet {
  readonly result: CatalogPlan = { writes: [], created: 0, updated: 0, unchanged: 0, changes: [] };

  /** Plans an insert or an update of the changed attributes; returns the changed attribute names. */
  upsert(
    target: EntityTarget<object>,
    label: string,
    key: Record<string, string>,
    existing: object | undefined,
    desired: Record<string, unknown>,
  ): string[] {
    if (existing === undefined) {
      this.write(target, key, desired, true);
      this.result.created += 1;
      this.result.changes.push(`created ${label}`);

      return Object.keys(desired);
    }
    const current = existing as Record<string, unknown>;
    const changed = Object.keys(desired).filter((name) => !sameValue(current[name], desired[name]));
    if (changed.length === 0) {
      this.result.unchanged += 1;

      return changed;
    }
    this.write(target, key, Object.fromEntries(changed.map((name) => [name, desired[name]])), false);
    this.result.updated += 1;
    this.result.changes.push(`updated ${label}: ${changed.join(', ')}`);

    return changed;
  }

  /** Plans an update that the caller decided on, with its own change line. */
  update(
    target: EntityTarget<object>,
    key: Record<string, string>,
    values: Record<string, unknown>,
    change: string,
  ): void {
    this.write(target, key, values, false);
    this.result.updated += 1;
    this.result.changes.push(change);
  }

  private write(
    target: EntityTarget<object>,
    key: Record<string, string>,
    values: Record<string, unknown>,
    insert: boolean,
  ): void {
    this.result.writes.push({ target, key, values, insert });
  }
}

/** Compares stored and desired values; JSON values by content, independent of key order. */
function sameValue(stored: unknown, desired: unknown): boolean {
  if (stored === desired) {
    return true;
  }
  if (stored === null || desired === null || stored === undefined || desired === undefined) {
    return (stored ?? null) === (desired ?? null);
  }

  return (
    typeof stored === 'object' &&
    typeof desired === 'object' &&
    canonicalJson(stored) === canonicalJson(desired)
  );
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) =>
    entry !== null && typeof entry === 'object' && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry).sort(compareEntryKeys))
      : entry,
  );
}

/** Orders object entries by key; keys of one object are unique, so they are never equal. */
function compareEntryKeys([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : 1;
}
