import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppError,
  FixedClock,
  type StoredObservation,
  TopicKind,
  createObservation,
  decodeObservation,
  fromResultCase,
  topicName,
} from '@stadtdaten/contracts';
import { type ConsumedRecord, SqliteEventLog } from '@stadtdaten/event-log';
import { Metrics, ProcessLogger } from '@stadtdaten/observability';
import { type RegistryService, openRegistry } from '@stadtdaten/registry';
import { SqliteTimeSeriesStore } from '@stadtdaten/timeseries';
import pino from 'pino';
import { AnalyticsSettings } from '../src/analytics-settings';
import { parseAnalyticsDefinition } from '../src/definition/analytics-definition.loader';
import type { RollupJobDefinition } from '../src/definition/analytics-file.schema';
import { DerivedRegistrar } from '../src/derived/derived-registrar.service';
import { DerivedWriter } from '../src/derived/derived-writer.service';
import { SourceDirectory } from '../src/derived/source-directory.service';
import { JobTracker } from '../src/jobs/job-tracker.service';
import { RollupService } from '../src/rollups/rollup.service';
import { catalog, makeObservation, waitFor } from './analytics-test-app';

const TENANT = 'darmstadt';
const SOURCE = 'thermo-1.temperature';
const NOW = Date.parse('2026-06-01T12:30:00Z');
const HOUR_START = Date.parse('2026-06-01T10:00:00Z');

/**
 * The rollup service on real stores, with no storage writer: the test decides when readings
 * reach the store, as a storage writer that lags behind would.
 */
describe(RollupService.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-rollup-service-'));
  const clock = new FixedClock(NOW);
  const derived: ConsumedRecord[] = [];
  let registry: RegistryService;
  let store: SqliteTimeSeriesStore;
  let eventLog: SqliteEventLog;
  let tracker: JobTracker;
  let sut: RollupService;

  beforeAll(async () => {
    const document = { jobs: [{ name: 'rollups', kind: 'rollup', parameters: { maxPending: 1000, maxPendingWait: '1m' } }] };
    const definition = parseAnalyticsDefinition(document, 'test');
    const settings = new AnalyticsSettings(definition, undefined, true, { initialDelayMs: 0, directoryTtlMs: 60_000, lagRefreshMs: 100 });
    const logger = new ProcessLogger(pino({ level: 'silent' }));
    const metrics = new Metrics({ defaultMetrics: false });
    registry = await openRegistry({ type: 'sqlite', path: ':memory:' });
    await registry.applyCatalog(
      catalog(TENANT, [{ id: 'thermo', name: 'Thermometer', fields: [{ field: 'temperature', observedProperty: 'air_temperature', unit: 'Cel', type: 'number' }] }], [
        { id: 'thermo-1', type: 'thermo', classification: 'public' },
      ]),
    );
    store = new SqliteTimeSeriesStore({ path: join(dir, 'ts.sqlite') });
    eventLog = new SqliteEventLog({ path: join(dir, 'log.sqlite'), logger: pino({ level: 'silent' }), pollIntervalMs: 20 });
    await Promise.all([store.connect(), eventLog.connect()]);
    await eventLog.ensureTopics([topicName(TENANT, TopicKind.DERIVED)]);
    await eventLog.subscribe({ groupId: 'test', topics: [topicName(TENANT, TopicKind.DERIVED)], handler: async (records) => void derived.push(...records) });
    const directory = new SourceDirectory(registry, clock, settings);
    tracker = new JobTracker(clock, metrics);
    definition.jobs.forEach((job) => tracker.register(job));
    sut = new RollupService(store, directory, new DerivedRegistrar(registry, directory, logger), new DerivedWriter(eventLog, clock, metrics), tracker, clock, logger);
    sut.configure(definition.jobs[0] as RollupJobDefinition);
  });

  afterAll(async () => {
    await eventLog.close();
    await Promise.all([store.close(), registry.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = (init: ReturnType<typeof makeObservation>): StoredObservation => {
    const observation = createObservation(init);

    return {
      id: observation.id,
      tenant: observation.tenant,
      datastreamId: observation.datastreamId,
      phenomenonTimeMs: observation.phenomenonTimeMs,
      resultTimeMs: observation.resultTimeMs,
      receivedAtMs: observation.receivedAtMs,
      result: fromResultCase(observation.result),
      qualityFlags: [],
      storageProfile: observation.storageProfile,
    };
  };

  const derivedValue = (datastreamId: string) =>
    derived
      .map((record) => decodeObservation(record.value))
      .filter((observation) => observation.datastreamId === datastreamId)
      .map((observation) => fromResultCase(observation.result));

  it('waits until the store shows the readings', async () => {
    const readings = [makeObservation(TENANT, SOURCE, HOUR_START, 10), makeObservation(TENANT, SOURCE, HOUR_START + 60_000, 20)];
    await sut.observe(readings.map((reading) => createObservation(reading)));

    await sut.flush();
    expect(sut.pendingReadings).toBe(2);

    await store.write(readings.map(stored));
    await sut.flush();
    expect(sut.pendingReadings).toBe(0);
    await waitFor(async () => derivedValue('rollup-thermo-1.temperature.mean_1h'), (values) => values.length === 1);
    expect(derivedValue('rollup-thermo-1.temperature.mean_1h')).toEqual([15]);
  });

  it('waits for a correction that the store lacks', async () => {
    const corrected = makeObservation(TENANT, SOURCE, HOUR_START, 40, { receivedAtMs: NOW });
    await sut.observe([createObservation(corrected)]);

    await sut.flush();
    expect(sut.pendingReadings).toBe(1);

    await store.write([stored(corrected)]);
    await sut.flush();
    await waitFor(async () => derivedValue('rollup-thermo-1.temperature.mean_1h'), (values) => values.length === 2);
    expect(derivedValue('rollup-thermo-1.temperature.mean_1h')[1]).toBe(30);
  });

  it('gives up waiting after maxPendingWait', async () => {
    await sut.observe([createObservation(makeObservation(TENANT, SOURCE, HOUR_START + 5 * 60_000, 99))]);
    clock.set(NOW + 2 * 60_000);

    await sut.flush();

    expect(sut.pendingReadings).toBe(0);
    expect(tracker.list()[0].tenants[0].recentErrors[0].message).toContain('was not in the time-series store after 60000 ms');
  });

  it('pushes back when maxPending readings wait', async () => {
    const many = Array.from({ length: 1000 }, (_, index) => createObservation(makeObservation(TENANT, SOURCE, HOUR_START + 2 * 3_600_000 + index * 1000, index)));
    await sut.observe(many);

    const refused = sut.observe([createObservation(makeObservation(TENANT, SOURCE, NOW, 1))]);

    await expect(refused).rejects.toThrow(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
  });
});
