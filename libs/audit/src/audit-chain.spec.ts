import { createHash } from 'node:crypto';

import {
  AuditChainBreak,
  AuditChainChecker,
  GENESIS_HASH,
  encodeAuditRecord,
  hashAuditEntry,
  hashAuditRecord,
  sealAuditRecord,
} from './audit-chain';
import {
  AuditAction,
  type AuditRecord,
  AuditOutcome,
  entryFromRecord,
  prepareAuditEntry,
} from './audit-entry';

const BASE_MS = 1_735_689_600_000;

function makeRecords(count: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const prepared = prepareAuditEntry({
      action: AuditAction.EXPORT,
      actor: { kind: 'principal', subject: 'alice', tenant: 'darmstadt', roles: ['analyst'] },
      target: { tenant: 'darmstadt', resourceType: 'datastream', resourceId: `ds-${index}` },
      outcome: AuditOutcome.SUCCESS,
      details: { rows: index },
    });
    const previous = records.at(-1) ?? null;
    records.push(sealAuditRecord(prepared, previous, { id: `id-${index}`, timeMs: BASE_MS + index }));
  }

  return records;
}

/** Feeds the records to a checker and returns the first break, or the checker's result at the end. */
function check(records: AuditRecord[], anchor?: { sequence: number; hash: string }) {
  const checker = new AuditChainChecker(anchor);
  for (const record of records) {
    const broken = checker.check(record);
    if (broken !== undefined) return broken;
  }

  return checker.finish() ?? { checked: checker.checked };
}

describe('audit chain', () => {
  describe(encodeAuditRecord.name, () => {
    it('encodes the documented field order', () => {
      const [record] = makeRecords(1);

      const encoding = encodeAuditRecord(record);

      expect(JSON.parse(encoding)).toEqual([
        'stadtdaten-audit-v1',
        1,
        'id-0',
        BASE_MS,
        'EXPORT',
        'principal',
        'alice',
        'darmstadt',
        '["analyst"]',
        'darmstadt',
        'datastream',
        'ds-0',
        'success',
        '{"rows":0}',
        GENESIS_HASH,
      ]);
      expect(encoding).not.toMatch(/\s/);
    });

    it('ignores the stored hash', () => {
      const [record] = makeRecords(1);

      expect(encodeAuditRecord({ ...record, hash: 'other' } as AuditRecord)).toBe(encodeAuditRecord(record));
    });
  });

  describe(hashAuditRecord.name, () => {
    it('hashes the encoding with SHA-256', () => {
      const [record] = makeRecords(1);

      const expected = createHash('sha256').update(encodeAuditRecord(record)).digest('hex');

      expect(hashAuditRecord(record)).toBe(expected);
      expect(record.hash).toBe(expected);
    });
  });

  describe(hashAuditEntry.name, () => {
    it('matches the hash of the stored record', () => {
      const records = makeRecords(3);

      for (const record of records) {
        expect(hashAuditEntry(entryFromRecord(record))).toBe(record.hash);
      }
    });
  });

  describe(sealAuditRecord.name, () => {
    it('chains the first record to the genesis hash', () => {
      const [first, second] = makeRecords(2);

      expect(GENESIS_HASH).toMatch(/^0{64}$/);
      expect(first.sequence).toBe(1);
      expect(first.prevHash).toBe(GENESIS_HASH);
      expect(second.sequence).toBe(2);
      expect(second.prevHash).toBe(first.hash);
    });
  });

  describe(AuditChainChecker.name, () => {
    it('passes an intact chain', () => {
      expect(check(makeRecords(4))).toEqual({ checked: 4 });
    });

    it('reports a changed record', () => {
      const records = makeRecords(4);
      records[1] = { ...records[1], outcome: 'denied' };

      expect(check(records)).toMatchObject({ sequence: 2, reason: AuditChainBreak.HASH_MISMATCH });
    });

    it('reports a removed record', () => {
      const records = makeRecords(4);
      records.splice(1, 1);

      expect(check(records)).toMatchObject({ sequence: 2, reason: AuditChainBreak.SEQUENCE_GAP });
    });

    it('reports a record below sequence 1', () => {
      const records = makeRecords(2);

      expect(check([{ ...records[0], sequence: 0 }, ...records])).toMatchObject({
        sequence: 1,
        reason: AuditChainBreak.SEQUENCE_GAP,
        message: expect.stringContaining('entry 0 comes where entry 1 was expected'),
      });
    });

    it('reports a record that does not chain', () => {
      const records = makeRecords(3);
      const foreign = makeRecords(2)[1];
      const forged = { ...records[1], prevHash: foreign.hash.replace(/^./, 'f') };
      records[1] = { ...forged, hash: hashAuditRecord(forged) };

      expect(check(records)).toMatchObject({ sequence: 2, reason: AuditChainBreak.PREV_HASH_MISMATCH });
    });

    it('reports a differing anchored record', () => {
      const records = makeRecords(3);

      expect(check(records, { sequence: 2, hash: 'f'.repeat(64) })).toMatchObject({
        sequence: 2,
        reason: AuditChainBreak.HEAD_MISMATCH,
      });
    });

    it('reports an anchor beyond the end', () => {
      const records = makeRecords(3);

      expect(check(records, { sequence: 4, hash: 'f'.repeat(64) })).toMatchObject({
        sequence: 4,
        reason: AuditChainBreak.HEAD_MISMATCH,
        message: expect.stringContaining('ends at entry 3'),
      });
    });
  });
});
