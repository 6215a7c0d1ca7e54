import { Clock, type StoredObservation } from '@stadtdaten/contracts';
import { Metrics } from '@stadtdaten/observability';
import type { DatastreamDto, RegistryService } from '@stadtdaten/registry';
import pino from 'pino';
import { ObservationBroadcastService, type PendingObservation } from './observation-broadcast.service';
import type { ObservationMessageService } from './observation-message.service';
import type { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsSettings } from './sensorthings-settings';
import type { StaMqttEdgeService } from './sta-mqtt-edge.service';
import { StaMqttMetrics } from './sta-mqtt-metrics';

const NOW_MS = Date.now();

function makeDatastream(overrides: Partial<DatastreamDto> = {}): DatastreamDto {
  return {
    tenant: 'darmstadt',
    id: 'thermo-1.temperature',
    classification: 'public',
    retired: false,
    ...overrides,
  } as DatastreamDto;
}

function makePending(overrides: Partial<PendingObservation> = {}): PendingObservation {
  const phenomenonTimeMs = overrides.phenomenonTimeMs ?? NOW_MS - 60_000;

  return {
    id: `obs-${phenomenonTimeMs}`,
    tenant: 'darmstadt',
    datastreamId: 'thermo-1.temperature',
    phenomenonTimeMs,
    receivedAtMs: NOW_MS - 1000,
    appendedAtMs: Date.now(),
    ...overrides,
  };
}

function storedRow(pending: PendingObservation): StoredObservation {
  return {
    id: pending.id,
    tenant: pending.tenant,
    datastreamId: pending.datastreamId,
    phenomenonTimeMs: pending.phenomenonTimeMs,
    resultTimeMs: pending.phenomenonTimeMs,
    receivedAtMs: pending.receivedAtMs,
    result: 21.5,
    qualityFlags: [],
    storageProfile: 'standard',
  };
}

/** A store that returns the rows of `stored`, and delays every read until `gate` resolves. */
class FakeStore {
  readonly stored = new Map<string, StoredObservation>();
  reads = 0;
  gate?: Promise<void>;

  async query(datastream: DatastreamDto, fromMs: number, toMs: number): Promise<StoredObservation[]> {
    this.reads += 1;
    await this.gate;

    return [...this.stored.values()].filter(
      (row) =>
        row.datastreamId === datastream.id && row.phenomenonTimeMs >= fromMs && row.phenomenonTimeMs < toMs,
    );
  }
}

/** An edge that records each published message. */
class FakeEdge {
  publishesInternal = false;
  readonly published: Array<{ datastreamId: string; payload: string }> = [];

  async publishObservation(datastream: DatastreamDto, payload: string): Promise<void> {
    this.published.push({ datastreamId: datastream.id, payload });
  }
}

describe(ObservationBroadcastService.name, () => {
  let settings: SensorThingsSettings;
  let store: FakeStore;
  let edge: FakeEdge;
  let metrics: StaMqttMetrics;
  let datastreams: Map<string, DatastreamDto>;
  let sut: ObservationBroadcastService;

  beforeEach(() => {
    settings = new SensorThingsSettings({ mqttStoreWaitMs: 2000, mqttStorePollMs: 5 });
    store = new FakeStore();
    edge = new FakeEdge();
    metrics = new StaMqttMetrics(new Metrics({ defaultMetrics: false }));
    datastreams = new Map([['thermo-1.temperature', makeDatastream()]]);
    const registry = { getDatastream: async (_tenant: string, id: string) => datastreams.get(id) };
    const messages = {
      render: async (_tenant: string, _id: string, row: StoredObservation) => JSON.stringify(row),
    };
    sut = new ObservationBroadcastService(
      settings,
      edge as unknown as StaMqttEdgeService,
      messages as unknown as ObservationMessageService,
      registry as unknown as RegistryService,
      store as unknown as ObservationStoreReader,
      metrics,
      new Clock(),
      { child: () => pino({ level: 'silent' }) } as never,
    );
  });

  async function dropped(reason: string): Promise<number> {
    const { values } = await metrics.dropped.get();

    return values.find((value) => value.labels.reason === reason)?.value ?? 0;
  }

  it('publishes an observation once the store returns it', async () => {
    const pending = makePending();
    let release: () => void = () => undefined;
    store.gate = new Promise<void>((resolve) => {
      release = resolve;
    });

    sut.enqueue([pending]);
    store.stored.set(pending.id, storedRow(pending));
    release();
    await sut.idle();

    expect(edge.published).toEqual([
      { datastreamId: 'thermo-1.temperature', payload: JSON.stringify(storedRow(pending)) },
    ]);
  });

  it('waits for an observation the store does not have yet', async () => {
    const pending = makePending();
    sut.enqueue([pending]);
    while (store.reads < 3) {
      expect(edge.published).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    store.stored.set(pending.id, storedRow(pending));
    await sut.idle();

    expect(edge.published).toHaveLength(1);
  });

  it('publishes a stored observation while an older one still waits', async () => {
    settings.mqttStoreWaitMs = 500;
    const missing = makePending({ phenomenonTimeMs: NOW_MS - 120_000 });
    const present = makePending({ phenomenonTimeMs: NOW_MS - 60_000 });
    store.stored.set(present.id, storedRow(present));

    sut.enqueue([missing, present]);
    while (edge.published.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await dropped('not_stored')).toBe(0);
    await sut.idle();

    expect(edge.published.map((message) => JSON.parse(message.payload).id)).toEqual([present.id]);
    expect(await dropped('not_stored')).toBe(1);
  });

  it('drops an observation the store never returns', async () => {
    settings.mqttStoreWaitMs = 50;

    sut.enqueue([makePending()]);
    await sut.idle();

    expect(edge.published).toEqual([]);
    expect(await dropped('not_stored')).toBe(1);
  });

  it('ignores an older stored version of the observation', async () => {
    settings.mqttStoreWaitMs = 50;
    const pending = makePending();
    store.stored.set(pending.id, { ...storedRow(pending), receivedAtMs: pending.receivedAtMs - 1 });

    sut.enqueue([pending]);
    await sut.idle();

    expect(edge.published).toEqual([]);
  });

  it('drops beyond the queue limit and counts queue_full', async () => {
    settings.mqttQueueLimit = 3;
    const first = [1, 2, 3].map((minute) => makePending({ phenomenonTimeMs: NOW_MS - minute * 60_000 }));
    const second = [4, 5, 6, 7, 8].map((minute) =>
      makePending({ phenomenonTimeMs: NOW_MS - minute * 60_000 }),
    );
    for (const pending of [...first, ...second]) {
      store.stored.set(pending.id, storedRow(pending));
    }
    let release: () => void = () => undefined;
    store.gate = new Promise<void>((resolve) => {
      release = resolve;
    });

    // The first three stay queued while the pass waits at the store, so the queue is full.
    sut.enqueue(first);
    sut.enqueue(second);
    expect((await metrics.queueLength.get()).values[0].value).toBe(3);
    release();
    await sut.idle();

    expect(await dropped('queue_full')).toBe(5);
    expect(edge.published.map((message) => JSON.parse(message.payload).id)).toEqual(
      first.map((pending) => pending.id),
    );
  });

  it('skips records older than the age limit', async () => {
    sut.enqueue([makePending({ appendedAtMs: Date.now() - settings.mqttMaxAgeMs - 1000 })]);
    await sut.idle();

    expect(await dropped('stale')).toBe(1);
    expect(store.reads).toBe(0);
  });

  it('publishes a redelivered observation once', async () => {
    const pending = makePending();
    store.stored.set(pending.id, storedRow(pending));

    sut.enqueue([pending]);
    await sut.idle();
    sut.enqueue([pending]);
    await sut.idle();

    expect(edge.published).toHaveLength(1);
  });

  it.each([
    ['internal, and the broker cannot check subscribers', { classification: 'internal' as const }],
    ['personal', { classification: 'personal' as const }],
    ['retired', { retired: true }],
  ])('leaves out a datastream that is %s', async (_case, overrides) => {
    datastreams.set('thermo-1.temperature', makeDatastream(overrides));
    const pending = makePending();
    store.stored.set(pending.id, storedRow(pending));

    sut.enqueue([pending]);
    await sut.idle();

    expect(edge.published).toEqual([]);
    expect(store.reads).toBe(0);
  });

  it('publishes an internal datastream where the broker checks subscribers', async () => {
    datastreams.set('thermo-1.temperature', makeDatastream({ classification: 'internal' }));
    edge.publishesInternal = true;
    const pending = makePending();
    store.stored.set(pending.id, storedRow(pending));

    sut.enqueue([pending]);
    await sut.idle();

    expect(edge.published).toHaveLength(1);
  });
});
