import type { DerivedPlan } from './derived-catalog';

/** A plan with its document serialised, as the registrar compares it with the one applied last. */
export interface PendingPlan {
  plan: DerivedPlan;
  document: string;
}

/** One catalog document that registers the derived devices of several plans. */
export interface MergedDocument {
  document: Record<string, unknown>;
  members: PendingPlan[];
}

/** Catalog sections that derived plans fill, with the fields that identify an entry. */
const SECTIONS: Record<string, string[]> = {
  observedProperties: ['id'],
  deviceTypes: ['tenant', 'id'],
  things: ['tenant', 'id'],
  devices: ['tenant', 'id'],
};

/**
 * Merges plan documents into as few catalog documents as the datastream budget allows. An entry
 * that several plans share (the device type of one source type, an observed property) appears
 * once. A plan whose shared entry differs from the one already in a document starts the next
 * document, so no merged document contradicts a plan.
 */
export function mergeDocuments(pending: PendingPlan[], maxDatastreams: number): MergedDocument[] {
  const merged: MergedDocument[] = [];
  let current = new DocumentBuilder();
  for (const entry of pending) {
    const datastreams = datastreamCount(entry.plan.document);
    if (
      !current.isEmpty() &&
      (current.datastreams + datastreams > maxDatastreams || !current.accepts(entry.plan.document))
    ) {
      merged.push(current.build());
      current = new DocumentBuilder();
    }
    current.add(entry, datastreams);
  }
  if (!current.isEmpty()) {
    merged.push(current.build());
  }

  return merged;
}

class DocumentBuilder {
  datastreams = 0;
  private readonly members: PendingPlan[] = [];
  /** Entries per section, keyed by their identifying fields, with their JSON for comparison. */
  private readonly sections = new Map<string, Map<string, { entry: unknown; json: string }>>();

  isEmpty(): boolean {
    return this.members.length === 0;
  }

  /** Tests whether every entry of the document is new here or equal to the one already added. */
  accepts(document: Record<string, unknown>): boolean {
    return entriesOf(document).every(({ section, key, json }) => {
      const known = this.sections.get(section)?.get(key);

      return known === undefined || known.json === json;
    });
  }

  add(pending: PendingPlan, datastreams: number): void {
    this.members.push(pending);
    this.datastreams += datastreams;
    for (const { section, key, entry, json } of entriesOf(pending.plan.document)) {
      const entries = this.sections.get(section) ?? new Map<string, { entry: unknown; json: string }>();
      this.sections.set(section, entries);
      if (!entries.has(key)) {
        entries.set(key, { entry, json });
      }
    }
  }

  build(): MergedDocument {
    const document: Record<string, unknown> = {};
    for (const [section, entries] of this.sections) {
      document[section] = [...entries.values()].map(({ entry }) => entry);
    }

    return { document, members: this.members };
  }
}

function entriesOf(
  document: Record<string, unknown>,
): { section: string; key: string; entry: unknown; json: string }[] {
  const entries: { section: string; key: string; entry: unknown; json: string }[] = [];
  for (const [section, fields] of Object.entries(SECTIONS)) {
    const list = document[section];
    if (!Array.isArray(list)) {
      continue;
    }
    for (const entry of list as Record<string, unknown>[]) {
      entries.push({
        section,
        key: fields.map((field) => String(entry[field])).join('\u0000'),
        entry,
        json: JSON.stringify(entry),
      });
    }
  }

  return entries;
}

/** Datastreams a plan document creates: one per field override of each device, at least one. */
function datastreamCount(document: Record<string, unknown>): number {
  const devices = Array.isArray(document.devices) ? (document.devices as Record<string, unknown>[]) : [];
  const count = devices.reduce(
    (total, device) =>
      total + Object.keys((device.datastreams as Record<string, unknown> | undefined) ?? {}).length,
    0,
  );

  return Math.max(1, count);
}
