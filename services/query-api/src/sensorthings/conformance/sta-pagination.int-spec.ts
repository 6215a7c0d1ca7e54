import { MINUTE_MS, SEED_START_MS, makeObservations, seed } from './sta-fixtures';
import { type StaTestApp, startStaTestApp } from './sta-test-app';

/** Observations of thermo-1.temperature seeded for paging: more than the default and the maximum page size. */
const COUNT = 1205;
const THERMO = "Datastreams('thermo-1.temperature')/Observations";

describe('req/request-data/pagination', () => {
  let app: StaTestApp;
  let member: string;

  beforeAll(async () => {
    app = await startStaTestApp();
    await seed(app);
    const results = Array.from({ length: COUNT }, (_, index) => index);
    await app.store.write(
      makeObservations('darmstadt', 'thermo-1.temperature', results, SEED_START_MS + 60 * MINUTE_MS),
    );
    member = await app.token('darmstadt', ['analyst']);
  });

  afterAll(() => app.close());

  const get = (path: string, token?: string) =>
    app.request(
      'GET',
      path.startsWith('http') ? path : `${app.sta('darmstadt')}/${path.replace(/ /g, '%20')}`,
      { token },
    );

  /** Follows @iot.nextLink until the last page, at most `maxPages` times, and returns every entity. */
  async function followAll(path: string, token?: string, maxPages = 50) {
    const entities: any[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined && page < maxPages; page += 1) {
      const { status, body } = await get(next, token);
      expect(status).toBe(200);
      entities.push(...body.value);
      next = body['@iot.nextLink'];
    }
    expect(next).toBeUndefined();

    return entities;
  }

  it('serves 100 entities without $top', async () => {
    const { body } = await get(THERMO);

    expect(body.value).toHaveLength(100);
    expect(body['@iot.nextLink']).toContain('$skiptoken=');
  });

  it('caps $top at the maximum page size', async () => {
    const { body } = await get(`${THERMO}?$top=5000`);

    expect(body.value).toHaveLength(1000);
    expect(body['@iot.nextLink']).toContain('$top=1000');
  });

  it('reaches every observation once through nextLinks', async () => {
    const entities = await followAll(`${THERMO}?$top=400`);
    const ids = entities.map((entity) => entity['@iot.id']);

    expect(new Set(ids).size).toBe(COUNT + 10);
    expect(entities.map((entity) => entity.phenomenonTime)).toEqual(
      [...entities.map((entity) => entity.phenomenonTime)].sort(),
    );
  });

  it('keeps $filter and $count in the nextLink', async () => {
    const first = await get(`${THERMO}?$filter=result ge 1000&$count=true&$top=100`);
    const rest = await followAll(first.body['@iot.nextLink']);

    expect(first.body['@iot.count']).toBe(COUNT - 1000);
    expect(first.body['@iot.nextLink']).toContain('$filter=result%20ge%201000');
    expect(first.body.value.length + rest.length).toBe(COUNT - 1000);
  });

  it('continues after the last entity while newer observations arrive', async () => {
    const first = await get(`${THERMO}?$orderby=phenomenonTime desc&$top=3`);
    const newest = Date.parse(first.body.value[0].phenomenonTime);
    await app.store.write(
      makeObservations('darmstadt', 'thermo-1.temperature', [-1, -2], newest + MINUTE_MS),
    );
    const second = await get(first.body['@iot.nextLink']);

    const lastOfFirst = Date.parse(first.body.value[2].phenomenonTime);
    expect(second.body.value.map((entity: any) => Date.parse(entity.phenomenonTime))).toEqual(
      [1, 2, 3].map((step) => lastOfFirst - step * MINUTE_MS),
    );
  });

  it('skips observations that arrive before the page position', async () => {
    const first = await get(`${THERMO}?$top=2`);
    await app.store.write(
      makeObservations('darmstadt', 'thermo-1.temperature', [-5], SEED_START_MS - MINUTE_MS),
    );
    const second = await get(first.body['@iot.nextLink']);

    expect(first.body.value.map((entity: any) => entity.result)).toEqual([0.5, 1.5]);
    expect(second.body.value[0].result).toBe(2.5);
  });

  it('pages ties in time by datastream id', async () => {
    const entities = await followAll(
      `Observations?$filter=phenomenonTime ge 2026-03-01T00:00:00Z and phenomenonTime lt 2026-03-01T00:03:00Z&$top=1`,
      member,
    );

    expect(entities.map((entity) => entity['@iot.id'])).toEqual(
      [0, 1, 2].flatMap((minute) => [
        `garage-1.spaces@${SEED_START_MS + minute * MINUTE_MS}`,
        `thermo-1.temperature@${SEED_START_MS + minute * MINUTE_MS}`,
      ]),
    );
  });

  it('pages an in-memory ordering with $skip', async () => {
    const first = await get(`${THERMO}?$orderby=result desc&$top=2&$filter=result ge 1200`);
    const second = await get(first.body['@iot.nextLink']);

    expect(first.body['@iot.nextLink']).toContain('$skip=2');
    expect(first.body.value.map((entity: any) => entity.result)).toEqual([1204, 1203]);
    expect(second.body.value.map((entity: any) => entity.result)).toEqual([1202, 1201]);
  });

  it('cuts a page short at the scan limit and continues after it', async () => {
    const limit = app.settings.maxScannedObservations;
    app.settings.maxScannedObservations = 100;
    try {
      const first = await get(`${THERMO}?$filter=result ge 1200&$top=2`);
      const entities = await followAll(first.body['@iot.nextLink']);

      expect(first.body.value).toEqual([]);
      expect([...first.body.value, ...entities].map((entity) => entity.result)).toEqual([
        1200, 1201, 1202, 1203, 1204,
      ]);
    } finally {
      app.settings.maxScannedObservations = limit;
    }
  });

  it('refuses to sort more observations than the in-memory limit', async () => {
    const limit = app.settings.maxObservationsInMemory;
    app.settings.maxObservationsInMemory = 500;
    try {
      const { status, body } = await get(`${THERMO}?$orderby=result desc`);

      expect(status).toBe(400);
      expect(body.detail).toContain('more than 500');
      expect(body.detail).toContain('phenomenonTime range');
    } finally {
      app.settings.maxObservationsInMemory = limit;
    }
  });

  it('rejects a skiptoken of another order', async () => {
    const first = await get(`${THERMO}?$top=1`);
    const token = new URL(first.body['@iot.nextLink']).searchParams.get('$skiptoken')!;
    const { status, body } = await get(`${THERMO}?$orderby=phenomenonTime desc&$skiptoken=${token}`);

    expect(status).toBe(400);
    expect(body.detail).toContain('other order');
  });

  it('rejects a skiptoken it did not issue', async () => {
    const { status, body } = await get(`${THERMO}?$skiptoken=abc`);

    expect(status).toBe(400);
    expect(body.detail).toContain('not a token of this server');
  });
});
