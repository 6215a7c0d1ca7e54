import { FixedClock, observationId } from '@stadtdaten/contracts';
import { ProcessLogger } from '@stadtdaten/observability';
import { openRegistry, type RegistryService } from '@stadtdaten/registry';
import { SqliteTimeSeriesStore } from '@stadtdaten/timeseries';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { RetentionEnforcer } from './retention.enforcer';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const DAY = 86_400_000;

describe('RetentionEnforcer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-retention-'));
  let registry: RegistryService;
  let store: SqliteTimeSeriesStore;
  let personal: SqliteTimeSeriesStore;

  beforeAll(async () => {
    registry = await openRegistry({ type: 'sqlite', path: ':memory:' });
    await registry.applyCatalog({
      tenants: [{ id: 'darmstadt', name: 'Darmstadt' }],
      observedProperties: [{ id: 'fill_level', name: 'Füllstand', definition: 'urn:x:fill' }],
      deviceTypes: [
        { id: 'glass', tenant: 'darmstadt', name: 'Glass', payloadFormat: 'json', fields: [{ field: 'fill', observedProperty: 'fill_level', unit: '%', type: 'number' }] },
      ],
      things: [{ tenant: 'darmstadt', id: 'c1', name: 'C1', useCase: 'waste', location: { type: 'Point', coordinates: [8.65, 49.87] } }],
      devices: [
        { tenant: 'darmstadt', id: 'short', type: 'glass', thing: 'c1', retentionDays: 7 },
        { tenant: 'darmstadt', id: 'forever', type: 'glass', thing: 'c1' },
        { tenant: 'darmstadt', id: 'private', type: 'glass', thing: 'c1', classification: 'personal', retentionDays: 1 },
      ],
    });
    store = new SqliteTimeSeriesStore({ path: join(dir, 'ts.sqlite') });
    personal = new SqliteTimeSeriesStore({ path: join(dir, 'ts-personal.sqlite') });
    await store.connect();
    await personal.connect();
  });

  afterAll(async () => {
    await Promise.all([store.close(), personal.close(), registry.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  function reading(datastreamId: string, ageDays: number) {
    const phenomenonTimeMs = NOW - ageDays * DAY;
    return {
      id: observationId('darmstadt', datastreamId, phenomenonTimeMs),
      tenant: 'darmstadt',
      datastreamId,
      phenomenonTimeMs,
      resultTimeMs: phenomenonTimeMs,
      receivedAtMs: phenomenonTimeMs,
      result: 50,
      qualityFlags: [],
      storageProfile: 'onprem-darz',
    };
  }

  it('deletes what is older than each datastream keeps', async () => {
    await store.write([reading('short.fill', 10), reading('short.fill', 3), reading('forever.fill', 400)]);
    await personal.write([reading('private.fill', 2), reading('private.fill', 0.5)]);
    const enforcer = new RetentionEnforcer(registry, store, personal, new FixedClock(NOW), new ProcessLogger(pino({ level: 'silent' })));

    expect(await enforcer.enforce()).toBe(2);

    expect(await store.count('darmstadt', 'short.fill')).toBe(1);
    expect(await store.count('darmstadt', 'forever.fill')).toBe(1);
    expect(await personal.count('darmstadt', 'private.fill')).toBe(1);
  });
});
