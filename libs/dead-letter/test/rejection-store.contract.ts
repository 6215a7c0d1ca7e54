import { type RejectionStore, type StoredRejection, rejectionState } from '@stadtdaten/dead-letter';

/** 2025-01-01T00:00:00Z. */
const BASE_MS = 1_735_689_600_000;

let tenantCounter = 0;

/** Returns a tenant id unique per test, so cases can share one store. */
function uniqueTenant(): string {
  tenantCounter += 1;

  return `rejections-${Date.now().toString(36)}-${tenantCounter}`;
}

/**
 * Builds a rejection whose id is `<tenant>/<key>`: ids are unique across tenants (the table's
 * primary key), and each case uses its own tenant.
 */
function makeRejection(
  overrides: Partial<Omit<StoredRejection, 'id'>> & Pick<StoredRejection, 'tenant'> & { key: string },
): StoredRejection {
  const { key, ...fields } = overrides;

  return {
    id: `${fields.tenant}/${key}`,
    reasonCode: 'OUT_OF_RANGE',
    detail: 'P2 = 1200 is above the maximum 1000',
    deviceId: 'sds011-15092',
    field: 'P2',
    entryIndex: 0,
    topic: 'stadtdaten/darmstadt/sds011-15092/up',
    sourceProtocol: 'mqtt',
    format: 'json',
    contentType: 'application/json',
    receivedAtMs: BASE_MS,
    rejectedAtMs: BASE_MS + 15,
    payloadBase64: Buffer.from('{"P2":1200}').toString('base64'),
    validatorVersion: '0.1.0',
    ...fields,
  };
}

/** Returns the key that makeRejection put into the id. */
function keyOf(rejection: StoredRejection): string {
  return rejection.id.slice(rejection.tenant.length + 1);
}

/**
 * Contract of the RejectionStore port. `makeSut` returns a connected store, and every call must
 * open the same underlying store, because one case reopens it. `cleanup` runs once after the
 * suite. Each case uses its own tenant.
 */
export function runRejectionStoreContract(
  name: string,
  makeSut: () => Promise<RejectionStore>,
  cleanup: () => Promise<void>,
): void {
  describe(`${name} (RejectionStore contract)`, () => {
    const opened: RejectionStore[] = [];
    let sut: RejectionStore;

    async function open(): Promise<RejectionStore> {
      const store = await makeSut();
      opened.push(store);

      return store;
    }

    beforeEach(async () => {
      sut = await open();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    afterAll(async () => {
      await cleanup();
    });

    describe('write and list', () => {
      it('returns every field unchanged', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({
          tenant,
          key: 'r-1',
          detail: 'Wert „1200“ über 1000 µg/m³; "quoted" \\ backslash\nsecond line',
          entryIndex: 7,
          receivedAtMs: 4_102_444_800_000,
          rejectedAtMs: 4_102_444_800_123,
          payloadBase64: Buffer.from([0, 255, 10, 13]).toString('base64'),
        });
        await sut.write([rejection]);

        const listed = await sut.list({ tenant });

        expect(listed).toEqual({ items: [rejection], total: 1 });
      });

      it('lists newest first, then by id', async () => {
        const tenant = uniqueTenant();
        await sut.write([
          makeRejection({ tenant, key: 'b', receivedAtMs: BASE_MS }),
          makeRejection({ tenant, key: 'c', receivedAtMs: BASE_MS + 1 }),
          makeRejection({ tenant, key: 'a', receivedAtMs: BASE_MS }),
          makeRejection({ tenant, key: 'B', receivedAtMs: BASE_MS }),
          makeRejection({ tenant, key: 'a-1', receivedAtMs: BASE_MS }),
        ]);

        const { items } = await sut.list({ tenant });

        // Ids compare by code point: upper case before lower case, "a" before "a-1".
        expect(items.map(keyOf)).toEqual(['c', 'B', 'a', 'a-1', 'b']);
      });

      it('keeps the first row of a known id', async () => {
        const tenant = uniqueTenant();
        const first = makeRejection({ tenant, key: 'same', detail: 'first' });
        await sut.write([first]);

        await sut.write([{ ...first, detail: 'second' }, makeRejection({ tenant, key: 'other' })]);
        await sut.write([
          { ...first, detail: 'third' },
          { ...first, detail: 'fourth' },
        ]);

        const { items, total } = await sut.list({ tenant });
        expect(total).toBe(2);
        expect(items.find((item) => keyOf(item) === 'same')?.detail).toBe('first');
      });

      it('keeps the first of two new rows with one id', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'twice', detail: 'one' });

        await sut.write([rejection, { ...rejection, detail: 'two' }]);

        expect((await sut.list({ tenant })).items.map((item) => item.detail)).toEqual(['one']);
      });

      it('accepts an empty write', async () => {
        const tenant = uniqueTenant();

        await sut.write([]);

        expect(await sut.count(tenant)).toBe(0);
      });

      it('keeps rejections across close and reopen', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'kept' });
        await sut.write([rejection]);
        await sut.close();

        const reopened = await open();

        expect((await reopened.list({ tenant })).items).toEqual([rejection]);
      });

      it('writes large batches', async () => {
        const tenant = uniqueTenant();
        const rejections = Array.from({ length: 2_500 }, (_, index) =>
          makeRejection({ tenant, key: `bulk-${index}`, receivedAtMs: BASE_MS + index }),
        );

        await sut.write(rejections);

        expect(await sut.count(tenant)).toBe(2_500);
        expect(keyOf((await sut.list({ tenant, limit: 1 })).items[0])).toBe('bulk-2499');
      });
    });

    describe('filters', () => {
      async function writeMixed(tenant: string): Promise<void> {
        await sut.write([
          makeRejection({
            tenant,
            key: 'r1',
            reasonCode: 'OUT_OF_RANGE',
            deviceId: 'dev-a',
            receivedAtMs: BASE_MS,
          }),
          makeRejection({
            tenant,
            key: 'r2',
            reasonCode: 'WRONG_TYPE',
            deviceId: 'dev-a',
            receivedAtMs: BASE_MS + 10,
          }),
          makeRejection({
            tenant,
            key: 'r3',
            reasonCode: 'OUT_OF_RANGE',
            deviceId: 'dev-b',
            receivedAtMs: BASE_MS + 20,
          }),
          makeRejection({
            tenant,
            key: 'r4',
            reasonCode: 'UNKNOWN_DEVICE',
            deviceId: 'dev-b',
            receivedAtMs: BASE_MS + 30,
          }),
        ]);
      }

      const cases: Array<[name: string, filter: Record<string, unknown>, ids: string[]]> = [
        ['reasonCode', { reasonCode: 'OUT_OF_RANGE' }, ['r3', 'r1']],
        ['deviceId', { deviceId: 'dev-a' }, ['r2', 'r1']],
        ['reasonCode and deviceId', { reasonCode: 'OUT_OF_RANGE', deviceId: 'dev-b' }, ['r3']],
        ['inclusive fromMs', { fromMs: BASE_MS + 10 }, ['r4', 'r3', 'r2']],
        ['exclusive toMs', { toMs: BASE_MS + 20 }, ['r2', 'r1']],
        ['time window', { fromMs: BASE_MS + 10, toMs: BASE_MS + 30 }, ['r3', 'r2']],
        ['unknown reasonCode', { reasonCode: 'MALFORMED_PAYLOAD' }, []],
      ];

      it.each(cases)('filters by %s', async (_name, filter, ids) => {
        const tenant = uniqueTenant();
        await writeMixed(tenant);

        const { items, total } = await sut.list({ tenant, ...filter });

        expect(items.map(keyOf)).toEqual(ids);
        expect(total).toBe(ids.length);
      });

      it('pages with limit and offset', async () => {
        const tenant = uniqueTenant();
        await writeMixed(tenant);

        const first = await sut.list({ tenant, limit: 3 });
        const second = await sut.list({ tenant, limit: 3, offset: 3 });

        expect(first.items.map(keyOf)).toEqual(['r4', 'r3', 'r2']);
        expect(second.items.map(keyOf)).toEqual(['r1']);
        expect(first.total).toBe(4);
        expect(second.total).toBe(4);
      });

      it('limits to 100 by default', async () => {
        const tenant = uniqueTenant();
        await sut.write(
          Array.from({ length: 120 }, (_, index) =>
            makeRejection({ tenant, key: `d-${index}`, receivedAtMs: BASE_MS + index }),
          ),
        );

        const { items, total } = await sut.list({ tenant });

        expect(items).toHaveLength(100);
        expect(total).toBe(120);
      });
    });

    describe('re-submission', () => {
      const mark = { resubmittedAtMs: BASE_MS + 60_000, resubmittedBy: 'operator-1' };

      it('marks an open rejection', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'fixed' });
        await sut.write([rejection]);

        const marked = await sut.markResubmitted(tenant, rejection.id, mark);

        expect(marked).toBe(true);
        expect(await sut.get(tenant, rejection.id)).toEqual({ ...rejection, ...mark });
        expect(rejectionState((await sut.get(tenant, rejection.id))!)).toBe('resubmitted');
      });

      it('keeps the first mark', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'twice' });
        await sut.write([rejection]);
        await sut.markResubmitted(tenant, rejection.id, mark);

        const second = await sut.markResubmitted(tenant, rejection.id, { resubmittedAtMs: BASE_MS + 90_000, resubmittedBy: 'operator-2' });

        expect(second).toBe(false);
        expect(await sut.get(tenant, rejection.id)).toMatchObject(mark);
      });

      it('marks nothing for an unknown id or another tenant', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'mine' });
        await sut.write([rejection]);

        expect(await sut.markResubmitted(tenant, `${tenant}/missing`, mark)).toBe(false);
        expect(await sut.markResubmitted(uniqueTenant(), rejection.id, mark)).toBe(false);
        expect(await sut.get(uniqueTenant(), rejection.id)).toBeUndefined();
        expect(rejectionState((await sut.get(tenant, rejection.id))!)).toBe('open');
      });

      it('unmarks only the given mark', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'undo' });
        await sut.write([rejection]);
        await sut.markResubmitted(tenant, rejection.id, mark);

        await sut.unmarkResubmitted(tenant, rejection.id, { ...mark, resubmittedBy: 'operator-2' });
        const afterOtherUnmark = await sut.get(tenant, rejection.id);
        await sut.unmarkResubmitted(tenant, rejection.id, mark);

        expect(afterOtherUnmark).toMatchObject(mark);
        expect(await sut.get(tenant, rejection.id)).toEqual(rejection);
      });

      it.each([
        ['open', ['r-open']],
        ['resubmitted', ['r-sent']],
        [undefined, ['r-sent', 'r-open']],
      ] as const)('filters by state %s', async (state, keys) => {
        const tenant = uniqueTenant();
        const sent = makeRejection({ tenant, key: 'r-sent', receivedAtMs: BASE_MS + 1 });
        await sut.write([makeRejection({ tenant, key: 'r-open' }), sent]);
        await sut.markResubmitted(tenant, sent.id, mark);

        const { items, total } = await sut.list({ tenant, state });

        expect(items.map(keyOf)).toEqual(keys);
        expect(total).toBe(keys.length);
      });

      it('keeps the mark on redelivery of the original', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'redelivered' });
        await sut.write([rejection]);
        await sut.markResubmitted(tenant, rejection.id, mark);

        await sut.write([{ ...rejection, detail: 'redelivered' }]);

        expect(await sut.get(tenant, rejection.id)).toEqual({ ...rejection, ...mark });
      });

      it('reopens when the re-submitted message fails again', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'failed-again' });
        await sut.write([rejection]);
        await sut.markResubmitted(tenant, rejection.id, mark);
        const again = {
          ...rejection,
          detail: 'rejected again',
          format: 'senml',
          receivedAtMs: mark.resubmittedAtMs,
          rejectedAtMs: mark.resubmittedAtMs + 20,
        };

        await sut.write([again, { ...again, detail: 'duplicate in one batch' }]);

        expect(await sut.get(tenant, rejection.id)).toEqual(again);
        expect((await sut.list({ tenant, state: 'open' })).items).toEqual([again]);
      });

      it('stores a mark given to write', async () => {
        const tenant = uniqueTenant();
        const imported = { ...makeRejection({ tenant, key: 'imported' }), ...mark };

        await sut.write([imported]);

        expect((await sut.list({ tenant })).items).toEqual([imported]);
      });

      it('keeps the mark across close and reopen', async () => {
        const tenant = uniqueTenant();
        const rejection = makeRejection({ tenant, key: 'kept-mark' });
        await sut.write([rejection]);
        await sut.markResubmitted(tenant, rejection.id, mark);
        await sut.close();

        const reopened = await open();

        expect(await reopened.get(tenant, rejection.id)).toEqual({ ...rejection, ...mark });
      });
    });

    describe('tenants', () => {
      it('keeps tenants apart', async () => {
        const tenantA = uniqueTenant();
        const tenantB = uniqueTenant();
        await sut.write([
          makeRejection({ tenant: tenantA, key: 'a-only' }),
          makeRejection({ tenant: tenantB, key: 'b-1' }),
          makeRejection({ tenant: tenantB, key: 'b-2' }),
        ]);

        expect((await sut.list({ tenant: tenantA })).items.map(keyOf)).toEqual(['a-only']);
        expect(await sut.count(tenantA)).toBe(1);
        expect(await sut.count(tenantB)).toBe(2);
        expect(await sut.count(uniqueTenant())).toBe(0);
      });
    });
  });
}
