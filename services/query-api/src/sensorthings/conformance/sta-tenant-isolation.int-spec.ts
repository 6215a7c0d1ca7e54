import { SEED_START_MS, seed } from './sta-fixtures';
import { type StaTestApp, startStaTestApp } from './sta-test-app';

const GARAGE = `garage-1.spaces@${SEED_START_MS}`;
const TRAM = `tram-7.temperature@${SEED_START_MS}`;

/** Every read of a heag resource that darmstadt tokens must not see. */
const HEAG_PATHS = [
  'Things',
  "Things('depot')",
  "Things('depot')/Datastreams",
  'Locations',
  "Locations('depot')",
  'Datastreams',
  "Datastreams('tram-7.temperature')",
  "Datastreams('tram-7.temperature')/Observations",
  'Sensors',
  "Sensors('tram-7')",
  'ObservedProperties',
  'Observations',
  `Observations('${TRAM}')`,
  'FeaturesOfInterest',
  "FeaturesOfInterest('depot')/Observations",
  'Things?$expand=Datastreams($expand=Observations)',
  `Observations?$aggregate=mean&$interval=PT1H&$filter=phenomenonTime ge 2026-03-01T00:00:00Z and phenomenonTime lt 2026-03-02T00:00:00Z`,
];

describe('tenant isolation of /sta/v1.1/tenants/<tenant>', () => {
  let app: StaTestApp;
  let tokens: Record<'darmstadtAdmin' | 'darmstadtAnalyst' | 'darmstadtPersonal' | 'heagAnalyst', string>;

  beforeAll(async () => {
    app = await startStaTestApp();
    await seed(app);
    tokens = {
      darmstadtAdmin: await app.token('darmstadt', ['tenant-admin']),
      darmstadtAnalyst: await app.token('darmstadt', ['analyst']),
      darmstadtPersonal: await app.token('darmstadt', ['analyst', 'personal-data-reader']),
      heagAnalyst: await app.token('heag', ['analyst']),
    };
  });

  afterAll(() => app.close());

  const get = (tenant: string, path: string, token?: string) =>
    app.request('GET', `${app.sta(tenant)}/${path.replace(/ /g, '%20')}`, { token });
  const ids = async (tenant: string, path: string, token?: string) =>
    (await get(tenant, path, token)).body.value.map((entity: { '@iot.id': string }) => entity['@iot.id']);

  it('shows anonymous callers public datastreams only', async () => {
    expect(await ids('darmstadt', 'Datastreams')).toEqual(['thermo-1.temperature']);
    expect(await ids('darmstadt', 'Things')).toEqual(['luisenplatz']);
    expect(await ids('darmstadt', 'Sensors')).toEqual(['thermo-1']);
    expect(await ids('darmstadt', 'ObservedProperties')).toEqual(['air_temperature']);
    expect(
      (await ids('darmstadt', 'Observations?$top=1000')).every((id: string) =>
        id.startsWith('thermo-1.temperature@'),
      ),
    ).toBe(true);
  });

  it.each([
    "Datastreams('garage-1.spaces')",
    "Things('garage-mitte')",
    `Observations('${GARAGE}')`,
    "Datastreams('garage-1.spaces')/Observations",
  ])('hides %s from anonymous callers', async (path) => {
    expect((await get('darmstadt', path)).status).toBe(404);
  });

  it('shows tenant tokens internal datastreams', async () => {
    expect(await ids('darmstadt', 'Datastreams', tokens.darmstadtAnalyst)).toEqual([
      'garage-1.spaces',
      'thermo-1.temperature',
    ]);
    expect((await get('darmstadt', `Observations('${GARAGE}')`, tokens.darmstadtAnalyst)).body.result).toBe(
      100,
    );
  });

  it('shows personal datastreams with personal-data-reader only', async () => {
    expect(await ids('darmstadt', 'Datastreams', tokens.darmstadtPersonal)).toContain('garage-1.badge');
    expect((await get('darmstadt', "Datastreams('garage-1.badge')", tokens.darmstadtAnalyst)).status).toBe(
      404,
    );
  });

  it('decrypts personal observations and audits their reads', async () => {
    const token = await app.token('darmstadt', ['tenant-admin', 'personal-data-reader']);
    const platform = await app.token('platform', ['platform-admin']);
    const created = await app.request(
      'POST',
      `${app.sta('darmstadt')}/Datastreams('garage-1.badge')/Observations`,
      {
        token,
        body: { phenomenonTime: '2026-03-01T00:30:00Z', result: 'badge-4711' },
      },
    );
    const audit = await app.request('GET', '/api/v1/audit?action=PERSONAL_DATA_READ&tenant=darmstadt', {
      token: platform,
    });

    expect(created.status).toBe(201);
    expect(created.body.result).toBe('badge-4711');
    expect(audit.body.items.map((entry: any) => [entry.target.resourceId, entry.details.api])).toContainEqual(
      ['garage-1.badge', 'sensorthings'],
    );
  });

  it('audits reads of internal observations', async () => {
    const platform = await app.token('platform', ['platform-admin']);
    await get('darmstadt', "Datastreams('garage-1.spaces')/Observations", tokens.darmstadtAnalyst);
    const audit = await app.request('GET', '/api/v1/audit?action=DATA_READ_NON_PUBLIC&tenant=darmstadt', {
      token: platform,
    });

    expect(audit.body.items.map((entry: any) => entry.target.resourceId)).toContain('garage-1.spaces');
  });

  it('shows another tenant public data only', async () => {
    expect(await ids('darmstadt', 'Datastreams', tokens.heagAnalyst)).toEqual(['thermo-1.temperature']);
    expect((await get('darmstadt', "Datastreams('garage-1.spaces')", tokens.heagAnalyst)).status).toBe(404);
  });

  it.each(HEAG_PATHS)('never shows heag data of %s to darmstadt', async (path) => {
    const { status, body } = await get('heag', path, tokens.darmstadtAdmin);
    // A 404 repeats only the id the caller sent; a 200 must not contain heag's internal entities.
    const text = status === 200 ? JSON.stringify(body) : '';

    expect([200, 404]).toContain(status);
    expect(text).not.toContain('tram-7');
    expect(text).not.toContain('depot');
  });

  it('shows heag its own data', async () => {
    const heag = await app.token('heag', ['analyst']);

    expect(await ids('heag', 'Datastreams', heag)).toEqual(['tram-7.temperature']);
    expect((await get('heag', `Observations('${TRAM}')`, heag)).body.result).toBe(21);
  });

  it.each([
    [
      'POST',
      'Things',
      {
        name: 'Intruder',
        Locations: [
          { encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [8.6, 49.8] } },
        ],
      },
    ],
    [
      'POST',
      "Datastreams('tram-7.temperature')/Observations",
      { result: 99, phenomenonTime: '2026-03-01T00:30:00Z' },
    ],
    [
      'POST',
      'CreateObservations',
      [{ Datastream: { '@iot.id': 'tram-7.temperature' }, components: ['result'], dataArray: [[99]] }],
    ],
    ['PATCH', "Things('depot')", { name: 'Renamed by darmstadt' }],
    ['DELETE', "Datastreams('tram-7.temperature')", undefined],
  ])('denies darmstadt %s %s in heag', async (method, path, body) => {
    const { status } = await app.request(method, `${app.sta('heag')}/${path}`, {
      token: tokens.darmstadtAdmin,
      body,
    });
    const heag = await app.token('heag', ['analyst']);

    expect([403, 404]).toContain(status);
    expect((await get('heag', "Things('depot')", heag)).body.name).toBe('HEAG depot');
    expect((await get('heag', "Datastreams('tram-7.temperature')", heag)).status).toBe(200);
    expect(await ids('heag', "Datastreams('tram-7.temperature')/Observations", heag)).toEqual([
      TRAM,
      `tram-7.temperature@${SEED_START_MS + 60_000}`,
    ]);
  });

  it('answers 401 to writes without a token', async () => {
    const { status, headers } = await app.request('PATCH', `${app.sta('darmstadt')}/Things('luisenplatz')`, {
      body: { name: 'x' },
    });

    expect(status).toBe(401);
    expect(headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 403 to writes of an analyst', async () => {
    const { status } = await app.request('PATCH', `${app.sta('darmstadt')}/Things('luisenplatz')`, {
      token: tokens.darmstadtAnalyst,
      body: { name: 'x' },
    });

    expect(status).toBe(403);
  });
});
