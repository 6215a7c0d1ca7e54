import { createHash } from 'node:crypto';

import {
  AuditAction,
  AuditChainBreak,
  type AuditEntry,
  type AuditEntryInput,
  type AuditFilter,
  type AuditLog,
  AuditOutcome,
  GENESIS_HASH,
  hashAuditEntry,
} from '@stadtdaten/audit';
import { ErrorCode, FixedClock } from '@stadtdaten/contracts';

/** 2025-01-01T00:00:00Z. */
const BASE_MS = 1_735_689_600_000;

export type AuditColumn =
  'sequence' | 'time_ms' | 'actor_subject' | 'actor_tenant' | 'details' | 'prev_hash' | 'hash';

/** Changes stored entries with the raw driver, past the append-only triggers. */
export interface AuditStorageTamper {
  update(sequence: number, column: AuditColumn, value: string | number | null): Promise<void>;
  delete(sequence: number): Promise<void>;
}

export interface AuditLogFixture {
  /** Opens another connected audit log on this fixture's storage. */
  open(): Promise<AuditLog>;
  tamper: AuditStorageTamper;
}

export interface AuditLogHarness {
  /** Creates new, empty storage whose audit logs take their time from `clock`. */
  create(clock: FixedClock): Promise<AuditLogFixture>;
  /** Runs once after the suite. */
  cleanup(): Promise<void>;
}

function makeInput(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    action: AuditAction.DATA_READ_NON_PUBLIC,
    actor: { kind: 'principal', subject: 'alice', tenant: 'darmstadt', roles: ['analyst'] },
    target: { tenant: 'darmstadt', resourceType: 'datastream', resourceId: 'ds-1' },
    outcome: AuditOutcome.SUCCESS,
    details: { rows: 12 },
    ...overrides,
  };
}

/** Computes the hash as the README specifies it, independently of the library's encoder. */
function specifiedHash(entry: AuditEntry): string {
  const actor = entry.actor;
  const encoding = JSON.stringify([
    'stadtdaten-audit-v1',
    entry.sequence,
    entry.id,
    entry.timeMs,
    entry.action,
    actor.kind,
    actor.kind === 'anonymous' ? '' : actor.subject,
    actor.kind === 'principal' ? actor.tenant : null,
    JSON.stringify(actor.kind === 'principal' ? [...new Set(actor.roles)].sort() : []),
    entry.target.tenant,
    entry.target.resourceType,
    entry.target.resourceId,
    entry.outcome,
    JSON.stringify(entry.details),
    entry.prevHash,
  ]);

  return createHash('sha256').update(encoding).digest('hex');
}

function sequences(entries: AuditEntry[]): number[] {
  return entries.map((entry) => entry.sequence);
}

/**
 * Contract of the AuditLog port. Every case gets new, empty storage from `harness.create`, and the
 * tampering cases change it through `fixture.tamper`.
 */
export function runAuditLogContract(name: string, harness: AuditLogHarness): void {
  describe(`${name} (AuditLog contract)`, () => {
    const opened: AuditLog[] = [];
    let clock: FixedClock;
    let fixture: AuditLogFixture;
    let sut: AuditLog;

    async function open(): Promise<AuditLog> {
      const log = await fixture.open();
      opened.push(log);

      return log;
    }

    /** Appends `count` entries one after another, one millisecond apart. */
    async function appendSeries(count: number): Promise<AuditEntry[]> {
      const entries: AuditEntry[] = [];
      for (let index = 0; index < count; index += 1) {
        clock.set(BASE_MS + index);
        entries.push(await sut.append(makeInput({ details: { rows: index } })));
      }

      return entries;
    }

    beforeEach(async () => {
      clock = new FixedClock(BASE_MS);
      fixture = await harness.create(clock);
      sut = await open();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    afterAll(async () => {
      await harness.cleanup();
    });

    describe('append', () => {
      it('returns the stored entry', async () => {
        const input = makeInput();

        const entry = await sut.append(input);

        expect(entry).toEqual({
          ...input,
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          sequence: 1,
          timeMs: BASE_MS,
          prevHash: GENESIS_HASH,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        expect(entry.hash).toBe(specifiedHash(entry));
      });

      it('chains each entry to the previous', async () => {
        const entries = await appendSeries(3);

        expect(sequences(entries)).toEqual([1, 2, 3]);
        expect(entries[1].prevHash).toBe(entries[0].hash);
        expect(entries[2].prevHash).toBe(entries[1].hash);
        expect(new Set(entries.map((entry) => entry.id)).size).toBe(3);
      });

      it('takes the time from the clock', async () => {
        clock.set(BASE_MS + 5_000);

        const entry = await sut.append(makeInput());

        expect(entry.timeMs).toBe(BASE_MS + 5_000);
      });

      it('sorts and deduplicates roles', async () => {
        const actor = {
          kind: 'principal' as const,
          subject: 'bob',
          tenant: 'heag',
          roles: ['tenant-admin', 'analyst', 'analyst'],
        };

        const entry = await sut.append(makeInput({ actor }));

        expect(entry.actor).toEqual({ ...actor, roles: ['analyst', 'tenant-admin'] });
        expect(entry.hash).toBe(specifiedHash(entry));
      });

      it('stores anonymous and system actors', async () => {
        const anonymous = await sut.append(
          makeInput({ action: AuditAction.LOGIN_FAILED, actor: { kind: 'anonymous' } }),
        );
        const system = await sut.append(
          makeInput({
            action: AuditAction.BACKUP_CREATED,
            actor: { kind: 'system', subject: 'backup' },
            target: { tenant: null, resourceType: 'backup', resourceId: null },
          }),
        );

        expect((await sut.list({ order: 'asc' })).items).toEqual([anonymous, system]);
        expect(system.hash).toBe(specifiedHash(system));
      });

      it('rejects a secret detail key', async () => {
        const append = sut.append(makeInput({ details: { client: { apiKey: 'k' } } }));

        await expect(append).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
          details: { field: 'details.client.apiKey' },
        });
        expect(await sut.head()).toBeNull();
      });

      it('rejects an unknown action', async () => {
        const append = sut.append(makeInput({ action: 'DATA_WRITTEN' as AuditAction }));

        await expect(append).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
          details: { field: 'action' },
        });
      });
    });

    describe('list', () => {
      /** Appends five different entries, 10 ms apart; the cases refer to them by sequence number. */
      async function appendMixed(): Promise<AuditEntry[]> {
        const inputs: AuditEntryInput[] = [
          makeInput(),
          makeInput({
            action: AuditAction.PERSONAL_DATA_READ,
            actor: { kind: 'principal', subject: 'bob', tenant: 'heag', roles: ['personal-data-reader'] },
            target: { tenant: 'heag', resourceType: 'datastream', resourceId: 'ds-2' },
            outcome: AuditOutcome.DENIED,
          }),
          makeInput({
            action: AuditAction.LOGIN_FAILED,
            actor: { kind: 'anonymous' },
            target: { tenant: 'darmstadt', resourceType: 'session', resourceId: null },
            outcome: AuditOutcome.FAILED,
            details: {},
          }),
          makeInput({
            action: AuditAction.BACKUP_CREATED,
            actor: { kind: 'system', subject: 'backup' },
            target: { tenant: null, resourceType: 'backup', resourceId: 'b-1' },
          }),
          makeInput({ action: AuditAction.EXPORT, details: { format: 'csv', rows: 1_500 } }),
        ];
        const entries: AuditEntry[] = [];
        for (const [index, input] of inputs.entries()) {
          clock.set(BASE_MS + index * 10);
          entries.push(await sut.append(input));
        }

        return entries;
      }

      it('returns entries unchanged', async () => {
        const entries = await appendMixed();
        const unicode = await sut.append(
          makeInput({
            details: {
              note: 'Wert „1200“ über 1000 µg/m³; "quoted" \\ backslash\nsecond line',
              nested: { list: [1, 2.5, true, null] },
            },
          }),
        );

        const { items } = await sut.list({ order: 'asc' });

        expect(items).toEqual([...entries, unicode]);
      });

      it('lists newest first by default', async () => {
        await appendMixed();

        const page = await sut.list();

        expect(sequences(page.items)).toEqual([5, 4, 3, 2, 1]);
        expect(page.nextCursor).toBeNull();
      });

      const cases: Array<[name: string, filter: AuditFilter, expected: number[]]> = [
        ['one action', { action: AuditAction.EXPORT }, [5]],
        ['several actions', { action: [AuditAction.DATA_READ_NON_PUBLIC, AuditAction.EXPORT] }, [5, 1]],
        ['actor subject', { actor: { subject: 'alice' } }, [5, 1]],
        ['anonymous actor', { actor: { kind: 'anonymous' } }, [3]],
        ['system actor', { actor: { kind: 'system', subject: 'backup' } }, [4]],
        ['tenant', { tenant: 'darmstadt' }, [5, 3, 1]],
        ['outcome', { outcome: AuditOutcome.DENIED }, [2]],
        ['resource type', { resource: { type: 'datastream' } }, [5, 2, 1]],
        ['resource id', { resource: { type: 'datastream', id: 'ds-1' } }, [5, 1]],
        ['inclusive fromMs', { fromMs: BASE_MS + 10 }, [5, 4, 3, 2]],
        ['exclusive toMs', { toMs: BASE_MS + 20 }, [2, 1]],
        ['time window', { fromMs: BASE_MS + 10, toMs: BASE_MS + 30 }, [3, 2]],
        ['combined criteria', { tenant: 'darmstadt', actor: { subject: 'alice' }, fromMs: BASE_MS + 1 }, [5]],
        ['unknown tenant', { tenant: 'kassel' }, []],
      ];

      it.each(cases)('filters by %s', async (_name, filter, expected) => {
        await appendMixed();

        const page = await sut.list(filter);

        expect(sequences(page.items)).toEqual(expected);
      });

      it('pages newest first with the cursor', async () => {
        await appendSeries(25);

        const first = await sut.list({ limit: 10 });
        const second = await sut.list({ limit: 10, cursor: first.nextCursor! });
        const third = await sut.list({ limit: 10, cursor: second.nextCursor! });

        expect(sequences(first.items)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
        expect(sequences(second.items)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
        expect(sequences(third.items)).toEqual([5, 4, 3, 2, 1]);
        expect(third.nextCursor).toBeNull();
      });

      it('pages oldest first with the cursor', async () => {
        await appendSeries(5);

        const first = await sut.list({ order: 'asc', limit: 3 });
        const second = await sut.list({ order: 'asc', limit: 3, cursor: first.nextCursor! });

        expect(sequences(first.items)).toEqual([1, 2, 3]);
        expect(sequences(second.items)).toEqual([4, 5]);
        expect(second.nextCursor).toBeNull();
      });

      it('pages a filtered list', async () => {
        await appendMixed();

        const first = await sut.list({ tenant: 'darmstadt', limit: 2 });
        const second = await sut.list({ tenant: 'darmstadt', limit: 2, cursor: first.nextCursor! });

        expect(sequences(first.items)).toEqual([5, 3]);
        expect(sequences(second.items)).toEqual([1]);
        expect(second.nextCursor).toBeNull();
      });

      it('limits to 100 by default', async () => {
        await appendSeries(101);

        const page = await sut.list();

        expect(page.items).toHaveLength(100);
        expect(page.nextCursor).toBe('2');
      });

      const invalid: Array<[name: string, filter: AuditFilter, field: string]> = [
        ['cursor', { cursor: 'abc' }, 'cursor'],
        ['limit above 1000', { limit: 1001 }, 'limit'],
        ['zero limit', { limit: 0 }, 'limit'],
        ['fractional fromMs', { fromMs: 1.5 }, 'fromMs'],
        ['empty action list', { action: [] }, 'action'],
        ['actor kind', { actor: { kind: 'robot' as 'system' } }, 'actor.kind'],
      ];

      it.each(invalid)('rejects an invalid %s', async (_name, filter, field) => {
        await expect(sut.list(filter)).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
          details: { field },
        });
      });
    });

    describe('head', () => {
      it('returns null for an empty log', async () => {
        expect(await sut.head()).toBeNull();
      });

      it('returns the last entry', async () => {
        const entries = await appendSeries(3);

        expect(await sut.head()).toEqual({ sequence: 3, hash: entries[2].hash });
      });
    });

    describe('persistence', () => {
      it('continues the chain after reopen', async () => {
        const before = await appendSeries(2);
        await sut.close();

        const reopened = await open();
        const next = await reopened.append(makeInput());

        expect(next.sequence).toBe(3);
        expect(next.prevHash).toBe(before[1].hash);
        expect(await reopened.verify()).toMatchObject({ valid: true, checked: 3 });
      });
    });

    describe('concurrency', () => {
      it('keeps one chain under 200 concurrent appends', async () => {
        const other = await open();
        const logs = [sut, other];

        const entries = await Promise.all(
          Array.from({ length: 200 }, (_, index) =>
            logs[index % 2].append(makeInput({ details: { request: index } })),
          ),
        );

        const sorted = [...entries].sort((a, b) => a.sequence - b.sequence);
        expect(sequences(sorted)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
        for (let index = 1; index < sorted.length; index += 1) {
          expect(sorted[index].prevHash).toBe(sorted[index - 1].hash);
        }
        expect(await other.verify()).toEqual({
          valid: true,
          checked: 200,
          head: { sequence: 200, hash: sorted[199].hash },
        });
      });
    });

    describe('verify', () => {
      it('passes an empty log', async () => {
        expect(await sut.verify()).toEqual({ valid: true, checked: 0, head: null });
      });

      it('passes an intact chain', async () => {
        const entries = await appendSeries(5);

        const result = await sut.verify();

        expect(result).toEqual({ valid: true, checked: 5, head: { sequence: 5, hash: entries[4].hash } });
      });

      it('reports progress per batch', async () => {
        await appendSeries(12);
        const progress: Array<{ checked: number; total: number }> = [];

        await sut.verify({ batchSize: 5, onProgress: (step) => progress.push(step) });

        expect(progress).toEqual([
          { checked: 5, total: 12 },
          { checked: 10, total: 12 },
          { checked: 12, total: 12 },
        ]);
      });

      it('passes against the current head', async () => {
        await appendSeries(3);
        const anchor = await sut.head();

        expect(await sut.verify({ anchor: anchor! })).toMatchObject({ valid: true, checked: 3 });
      });

      it('rejects an invalid anchor', async () => {
        const verify = sut.verify({ anchor: { sequence: 0, hash: 'abc' } });

        await expect(verify).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
          details: { field: 'anchor' },
        });
      });

      it('rejects an invalid batch size', async () => {
        await expect(sut.verify({ batchSize: 0 })).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
        });
      });
    });

    describe('tampering', () => {
      let entries: AuditEntry[];

      beforeEach(async () => {
        entries = await appendSeries(5);
      });

      it('detects a changed detail', async () => {
        await fixture.tamper.update(3, 'details', '{"rows":13}');

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 3,
          checked: 2,
          reason: AuditChainBreak.HASH_MISMATCH,
        });
      });

      it('detects a changed actor', async () => {
        await fixture.tamper.update(3, 'actor_subject', 'mallory');

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 3,
          reason: AuditChainBreak.HASH_MISMATCH,
        });
      });

      it('detects a changed time', async () => {
        await fixture.tamper.update(2, 'time_ms', BASE_MS + 60_000);

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 2,
          reason: AuditChainBreak.HASH_MISMATCH,
        });
      });

      it('detects a removed middle entry', async () => {
        await fixture.tamper.delete(3);

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 3,
          checked: 2,
          reason: AuditChainBreak.SEQUENCE_GAP,
        });
      });

      it('detects a removed first entry', async () => {
        await fixture.tamper.delete(1);

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 1,
          checked: 0,
          reason: AuditChainBreak.SEQUENCE_GAP,
        });
      });

      it('misses a removed last entry without anchor', async () => {
        await fixture.tamper.delete(5);

        // Removing the tail leaves a valid shorter chain; only an anchor kept elsewhere reveals it.
        expect(await sut.verify()).toEqual({
          valid: true,
          checked: 4,
          head: { sequence: 4, hash: entries[3].hash },
        });
      });

      it('detects a removed last entry against the anchor', async () => {
        const anchor = await sut.head();
        await fixture.tamper.delete(5);

        const result = await sut.verify({ anchor: anchor! });

        expect(result).toMatchObject({
          valid: false,
          sequence: 5,
          checked: 4,
          reason: AuditChainBreak.HEAD_MISMATCH,
        });
      });

      it('detects swapped entries', async () => {
        await fixture.tamper.update(3, 'sequence', 1_000);
        await fixture.tamper.update(4, 'sequence', 3);
        await fixture.tamper.update(1_000, 'sequence', 4);

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 3,
          reason: AuditChainBreak.PREV_HASH_MISMATCH,
        });
      });

      it('detects a changed and rehashed entry', async () => {
        const changed = { ...entries[2], details: { rows: 13 } };
        await fixture.tamper.update(3, 'details', '{"rows":13}');
        await fixture.tamper.update(3, 'hash', hashAuditEntry(changed));

        expect(await sut.verify()).toMatchObject({
          valid: false,
          sequence: 4,
          reason: AuditChainBreak.PREV_HASH_MISMATCH,
        });
      });

      it('detects a rehashed tail only against the anchor', async () => {
        const anchor = await sut.head();
        let previousHash = entries[1].hash;
        for (const entry of entries.slice(2)) {
          const changed = { ...entry, details: { rows: 99 }, prevHash: previousHash };
          previousHash = hashAuditEntry(changed);
          await fixture.tamper.update(entry.sequence, 'details', '{"rows":99}');
          await fixture.tamper.update(entry.sequence, 'prev_hash', changed.prevHash);
          await fixture.tamper.update(entry.sequence, 'hash', previousHash);
        }

        expect(await sut.verify()).toMatchObject({ valid: true, checked: 5 });
        expect(await sut.verify({ anchor: anchor! })).toMatchObject({
          valid: false,
          sequence: 5,
          reason: AuditChainBreak.HEAD_MISMATCH,
        });
      });
    });
  });
}
