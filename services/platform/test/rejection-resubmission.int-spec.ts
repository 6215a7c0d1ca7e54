import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor, waterMeterCatalog } from './helpers';

const METER_CATALOG = waterMeterCatalog(`
things:
  - { tenant: darmstadt, id: house-1, name: House 1, useCase: other, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: meter-1, type: meter, thing: house-1, classification: public }
`);

interface RejectionItem {
  id: string;
  deviceId: string;
  state: string;
  resubmittedAt: string | null;
  resubmittedBy: string | null;
  payloadBase64: string;
}

describe('re-submission of rejections', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let admin: string;
  let device: string;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, METER_CATALOG);
    admin = await platform.issueToken('darmstadt', ['tenant-admin'], 'operator-anna');
    device = await platform.issueToken('darmstadt', ['device'], 'meter-1');
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
    cleanup?.();
  });

  function ingest(deviceId: string, reading: object, token: string, rejection?: string) {
    const query = new URLSearchParams({ device: deviceId });
    if (rejection !== undefined) {
      query.set('rejection', rejection);
    }

    return fetch(`${platform.httpUrl}/api/v1/ingest?${query}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'accept-language': 'en',
      },
      body: JSON.stringify(reading),
    });
  }

  async function rejections(state: string, deviceId: string): Promise<RejectionItem[]> {
    const { status, body } = await getJson(
      platform,
      `/api/v1/tenants/darmstadt/rejections?device=${deviceId}&state=${state}`,
      admin,
    );
    expect(status).toBe(200);

    return body.items;
  }

  /** Sends a reading and waits for its rejection; the payload text identifies it. */
  async function rejectionOf(deviceId: string, reading: object): Promise<RejectionItem> {
    expect((await ingest(deviceId, reading, device)).status).toBe(202);
    const payload = JSON.stringify(reading);
    const items = await waitFor(
      () => rejections('open', deviceId),
      (listed) =>
        listed.some((item) => Buffer.from(item.payloadBase64, 'base64').toString('utf8') === payload),
    );

    return items.find((item) => Buffer.from(item.payloadBase64, 'base64').toString('utf8') === payload)!;
  }

  it('marks a corrected rejection as re-submitted', async () => {
    const rejected = await rejectionOf('meter-1', { time: '2026-11-01T10:00:00Z', litres: 250_000 });

    const response = await ingest(
      'meter-1',
      { time: '2026-11-01T10:00:00Z', litres: 250 },
      admin,
      rejected.id,
    );
    const body = (await response.json()) as any;

    expect(response.status).toBe(202);
    expect(body.rejection).toEqual({
      id: rejected.id,
      state: 'resubmitted',
      resubmittedAt: expect.any(String),
      resubmittedBy: 'operator-anna',
    });
    expect((await rejections('open', 'meter-1')).map((item) => item.id)).not.toContain(rejected.id);
    expect(
      (await rejections('resubmitted', 'meter-1')).find((item) => item.id === rejected.id),
    ).toMatchObject({
      state: 'resubmitted',
      resubmittedAt: body.rejection.resubmittedAt,
      resubmittedBy: 'operator-anna',
    });
  });

  it('refuses a second re-submission with 409', async () => {
    const rejected = await rejectionOf('meter-1', { time: '2026-11-02T10:00:00Z', litres: -5 });
    expect(
      (await ingest('meter-1', { time: '2026-11-02T10:00:00Z', litres: 5 }, admin, rejected.id)).status,
    ).toBe(202);

    const second = await ingest('meter-1', { time: '2026-11-02T10:00:00Z', litres: 6 }, admin, rejected.id);
    const problem = (await second.json()) as any;

    expect(second.status).toBe(409);
    expect(problem.detail).toContain('re-submitted already');
    expect(problem.detail).toContain('operator-anna');
  });

  it('answers 404 for an unknown rejection', async () => {
    const response = await ingest(
      'meter-1',
      { time: '2026-11-03T10:00:00Z', litres: 1 },
      admin,
      'no-such-rejection',
    );

    expect(response.status).toBe(404);
    expect(((await response.json()) as any).detail).toContain('rejection "no-such-rejection" not found');
  });

  it('lets no device token mark a rejection', async () => {
    const rejected = await rejectionOf('meter-1', { time: '2026-11-04T10:00:00Z', litres: 300_000 });

    const response = await ingest(
      'meter-1',
      { time: '2026-11-04T10:00:00Z', litres: 300 },
      device,
      rejected.id,
    );

    expect(response.status).toBe(403);
    expect((await rejections('open', 'meter-1')).map((item) => item.id)).toContain(rejected.id);
  });

  it('reopens a rejection whose message fails again', async () => {
    // An unregistered device: sending the unchanged message again produces the same rejection id.
    const reading = { time: '2026-11-05T10:00:00Z', litres: 10 };
    const rejected = await rejectionOf('meter-unknown', reading);

    expect((await ingest('meter-unknown', reading, admin, rejected.id)).status).toBe(202);
    const reopened = await waitFor(
      () => rejections('open', 'meter-unknown'),
      (items) => items.some((item) => item.id === rejected.id),
    );

    expect(reopened.find((item) => item.id === rejected.id)).toMatchObject({
      state: 'open',
      resubmittedAt: null,
      resubmittedBy: null,
    });
  });

  it('rejects an unknown state filter', async () => {
    const { status, body } = await getJson(
      platform,
      '/api/v1/tenants/darmstadt/rejections?state=closed',
      admin,
    );

    expect(status).toBe(400);
    expect(body.detail).toContain('state "closed" is unknown');
  });

  it('lists both states by default', async () => {
    const all = (await getJson(platform, '/api/v1/tenants/darmstadt/rejections?device=meter-1', admin)).body
      .items as RejectionItem[];

    expect(new Set(all.map((item) => item.state))).toEqual(new Set(['open', 'resubmitted']));
  });
});
