import type { CanonicalObservation, CanonicalResultType } from './canonical-observation.encoder';
import type { JsonValue } from './canonical-json.encoder';
import type { SignedObservation } from './signature-batch.event';

/**
 * The signed fields of the observations that one store call received from one signing batch,
 * stored as one row. The stores index each observation id by its chunk and its position in
 * `observationIds`.
 */
// NOTE: an observation stored again points the index at its new entry, and the entry in the
// earlier chunk stays unreferenced. Only forgetDatastreams removes such entries.
export interface SignedChunk {
  tenant: string;
  batchId: string;
  /** Earliest receive time of its observations, UTC epoch milliseconds. */
  createdAtMs: number;
  /** The distinct datastreams of its observations, so that an erasure finds the chunk without reading the body. */
  datastreamIds: string[];
  observationIds: string[];
  /** The value of the chunk's `body` column, as JSON that `ChunkReader` parses. */
  body: string;
}

/** One observation read from a chunk body. */
export interface ChunkEntry {
  observationId: string;
  leafIndex: number;
  observation: CanonicalObservation;
}

// schemaVersion, tenant, datastreamId, thingId, deviceId, observedProperty, unit
type ContextTuple = [number, string, string, string, string, string, string];
// observationId, leafIndex, context index, phenomenonTimeMs, resultTimeMs, result type, result value;
// null where an erasure removed the observation, so that later positions keep their meaning.
type EntryTuple = [string, number, number, number, number, CanonicalResultType, JsonValue] | null;

/**
 * A chunk body as JSON: the context fields that repeat across observations are written once
 * under `contexts`, and each entry of `entries` refers to its context by index.
 */
interface ChunkBody {
  contexts: Array<ContextTuple | null>;
  entries: EntryTuple[];
}

/**
 * Groups signed observations into one chunk per tenant and batch. The last entry of an
 * observation id wins, as in `SignatureStore.saveObservations`.
 */
export function chunksOf(observations: readonly SignedObservation[]): SignedChunk[] {
  const groups = new Map<string, SignedObservation[]>();
  for (const entry of lastPerObservation(observations)) {
    const key = `${entry.observation.tenant.length}:${entry.observation.tenant}${entry.batchId}`;
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, [entry]);
    } else {
      group.push(entry);
    }
  }

  return [...groups.values()].map(chunkOf);
}

/** Keeps the last entry of each observation id, so one statement never writes a row twice. */
export function lastPerObservation<T extends { observationId: string }>(entries: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const entry of entries) {
    byId.delete(entry.observationId);
    byId.set(entry.observationId, entry);
  }

  return [...byId.values()];
}

function chunkOf(group: SignedObservation[]): SignedChunk {
  // Contexts by datastream id: a datastream almost always keeps one context, so a lookup
  // compares the few candidates instead of building a key of all six texts.
  const contextsByDatastream = new Map<string, number[]>();
  const body: ChunkBody = { contexts: [], entries: [] };
  let earliestMs = Number.POSITIVE_INFINITY;
  for (const entry of group) {
    const { observation } = entry;
    const candidates = contextsByDatastream.get(observation.datastreamId);
    let contextIndex = candidates?.find((index) => sameContext(body.contexts[index]!, observation));
    if (contextIndex === undefined) {
      contextIndex = body.contexts.length;
      body.contexts.push(contextOf(observation));
      if (candidates === undefined) {
        contextsByDatastream.set(observation.datastreamId, [contextIndex]);
      } else {
        candidates.push(contextIndex);
      }
    }
    const { result } = observation;
    body.entries.push([entry.observationId, entry.leafIndex, contextIndex, observation.phenomenonTimeMs, observation.resultTimeMs, result.type, result.value]);
    if (entry.receivedAtMs < earliestMs) {
      earliestMs = entry.receivedAtMs;
    }
  }

  return {
    tenant: group[0].observation.tenant,
    batchId: group[0].batchId,
    createdAtMs: earliestMs,
    datastreamIds: [...contextsByDatastream.keys()],
    observationIds: group.map((entry) => entry.observationId),
    body: JSON.stringify(body),
  };
}

function contextOf(observation: CanonicalObservation): ContextTuple {
  const { schemaVersion, tenant, datastreamId, thingId, deviceId, observedProperty, unit } = observation;

  return [schemaVersion, tenant, datastreamId, thingId, deviceId, observedProperty, unit];
}

function sameContext(context: ContextTuple, observation: CanonicalObservation): boolean {
  return (
    context[0] === observation.schemaVersion &&
    context[1] === observation.tenant &&
    context[3] === observation.thingId &&
    context[4] === observation.deviceId &&
    context[5] === observation.observedProperty &&
    context[6] === observation.unit
  );
}

/** A parsed chunk body. */
export class ChunkReader {
  private readonly body: ChunkBody;

  constructor(body: string) {
    this.body = JSON.parse(body) as ChunkBody;
  }

  /** Returns the entry at `position`, or undefined where there is none or an erasure removed it. */
  entryAt(position: number): ChunkEntry | undefined {
    const entry = this.body.entries[position];
    if (entry === undefined || entry === null) {
      return undefined;
    }
    const [observationId, leafIndex, contextIndex, phenomenonTimeMs, resultTimeMs, type, value] = entry;
    // An entry that is not null always refers to a context that is not null.
    const [schemaVersion, tenant, datastreamId, thingId, deviceId, observedProperty, unit] = this.body.contexts[contextIndex]!;

    // The member order is the one toCanonicalObservation creates, so a proof serialises as before.
    const observation = {
      schemaVersion,
      tenant,
      datastreamId,
      thingId,
      deviceId,
      observedProperty,
      unit,
      phenomenonTimeMs,
      resultTimeMs,
      result: { type, value },
    } as CanonicalObservation;

    return { observationId, leafIndex, observation };
  }

  /**
   * Removes the entries of `datastreamIds` and the contexts only they used. Returns the removed
   * positions with their observation ids, and the new body and datastream list, or undefined
   * for both when no entry is left.
   */
  withoutDatastreams(datastreamIds: ReadonlySet<string>): {
    removed: Array<{ observationId: string; position: number }>;
    body?: string;
    datastreamIds?: string[];
  } {
    const { contexts, entries } = this.body;
    const removed: Array<{ observationId: string; position: number }> = [];
    const kept = entries.map((entry, position) => {
      if (entry !== null && datastreamIds.has(contexts[entry[2]]![2])) {
        removed.push({ observationId: entry[0], position });

        return null;
      }

      return entry;
    });
    const used = new Set(kept.flatMap((entry) => (entry === null ? [] : [entry[2]])));
    if (used.size === 0) {
      return { removed };
    }

    // Forgotten contexts are blanked rather than dropped, so the context indexes of kept entries stay valid.
    const keptContexts = contexts.map((context, index) => (used.has(index) ? context : null));
    const remaining = new Set(keptContexts.flatMap((context) => (context === null ? [] : [context[2]])));

    return { removed, body: JSON.stringify({ contexts: keptContexts, entries: kept }), datastreamIds: [...remaining] };
  }
}
