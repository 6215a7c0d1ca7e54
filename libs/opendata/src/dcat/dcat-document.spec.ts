import { Parser, Store } from 'n3';
import { checkDcatApDe, iriOf, jsonLdToStore, subjectsOf } from '../../test/dcat-ap-de.checks';
import { makeDatastream, makeThing } from '../../test/fixtures';
import { OpenDataSettings } from '../opendata-settings';
import { buildCatalogDatasets } from './catalog-model';
import { buildDcatCatalog, catalogJsonLd, catalogTurtle } from './dcat-document';

const BASE = 'https://daten.example.org';

function makeSettings(overrides: Partial<OpenDataSettings> = {}) {
  return new OpenDataSettings({ contributorId: 'http://dcat-ap.de/def/contributors/darmstadt', publisher: { name: 'Stadt', uri: 'https://stadt.example', email: 'daten@stadt.example' }, ...overrides });
}

function makeDatasets() {
  const parking = makeThing();
  const air = makeThing({ id: 'luisenplatz', name: 'Luisenplatz', useCase: 'air-quality', description: '' });

  return buildCatalogDatasets([
    {
      thing: parking,
      datastreams: [{ datastream: makeDatastream(), stats: { count: 1441, firstMs: Date.UTC(2026, 11, 1), lastMs: Date.UTC(2026, 11, 2) } }],
    },
    {
      thing: air,
      datastreams: [
        {
          datastream: makeDatastream({ id: 'sds.P2', thingId: 'luisenplatz', name: 'PM2.5 Luisenplatz', observedProperty: { id: 'pm2_5', name: 'PM2.5', definition: 'x', description: '' } }),
          stats: { count: 0 },
        },
      ],
    },
  ]);
}

async function turtleStore(turtle: string): Promise<Store> {
  return new Store(new Parser({ format: 'text/turtle' }).parse(turtle));
}

describe('buildDcatCatalog', () => {
  it('passes the DCAT-AP.de checks as JSON-LD', () => {
    const document = catalogJsonLd(buildDcatCatalog(makeDatasets(), makeSettings(), BASE));

    expect(checkDcatApDe(jsonLdToStore(document), ['mandatory'])).toEqual([]);
    expect(checkDcatApDe(jsonLdToStore(document), ['recommended']).filter((line) => !line.includes('luisenplatz'))).toEqual([]);
  });

  it('passes the DCAT-AP.de checks as Turtle', async () => {
    const store = await turtleStore(await catalogTurtle(buildDcatCatalog(makeDatasets(), makeSettings(), BASE)));

    expect(checkDcatApDe(store, ['mandatory'])).toEqual([]);
  });

  it('writes the same triples as JSON-LD and Turtle', async () => {
    const catalog = buildDcatCatalog(makeDatasets(), makeSettings(), BASE);
    const fromTurtle = await turtleStore(await catalogTurtle(catalog));
    const fromJsonLd = jsonLdToStore(catalogJsonLd(catalog));

    expect(fromTurtle.size).toBe(fromJsonLd.size);
    expect(fromTurtle.getQuads(null, null, null, null).filter((quad) => quad.subject.termType === 'NamedNode').length).toBe(
      fromJsonLd.getQuads(null, null, null, null).filter((quad) => quad.subject.termType === 'NamedNode').length,
    );
  });

  it('lists only recommended gaps of a dataset without observations', () => {
    const store = jsonLdToStore(catalogJsonLd(buildDcatCatalog(makeDatasets(), makeSettings(), BASE)));
    const gaps = checkDcatApDe(store).filter((line) => line.includes('luisenplatz#dataset'));

    expect(gaps).toEqual([
      `dcat:Dataset ${BASE}/api/v1/tenants/darmstadt/things/luisenplatz#dataset: dct:temporal missing (recommended)`,
      `dcat:Dataset ${BASE}/api/v1/tenants/darmstadt/things/luisenplatz#dataset: dct:modified missing (recommended)`,
    ]);
  });

  it('maps use cases to EU themes', () => {
    const store = jsonLdToStore(catalogJsonLd(buildDcatCatalog(makeDatasets(), makeSettings(), BASE)));
    const themeOf = (thing: string) =>
      store.getObjects(`${BASE}/api/v1/tenants/darmstadt/things/${thing}#dataset`, iriOf('dcat:theme'), null).map((term) => term.value);

    expect(themeOf('carree')).toEqual(['http://publications.europa.eu/resource/authority/data-theme/TRAN']);
    expect(themeOf('luisenplatz')).toEqual(['http://publications.europa.eu/resource/authority/data-theme/ENVI']);
  });

  it('gives five distributions per datastream', () => {
    const store = jsonLdToStore(catalogJsonLd(buildDcatCatalog(makeDatasets(), makeSettings(), BASE)));
    const accessUrls = subjectsOf(store, 'dcat:Distribution').flatMap((subject) => store.getObjects(subject, iriOf('dcat:accessURL'), null).map((term) => term.value));

    expect(accessUrls).toHaveLength(10);
    expect(accessUrls).toContain(`${BASE}/api/v1/tenants/darmstadt/datastreams/carree-counter.free_spaces/observations?format=parquet`);
    expect(accessUrls).toContain(`${BASE}/sta/v1.1/tenants/darmstadt/Datastreams('carree-counter.free_spaces')`);
  });

  it('uses the default licence', () => {
    const store = jsonLdToStore(catalogJsonLd(buildDcatCatalog(makeDatasets(), new OpenDataSettings(), BASE)));
    const licences = new Set(store.getObjects(null, iriOf('dct:license'), null).map((term) => term.value));

    expect([...licences]).toEqual(['http://dcat-ap.de/def/licenses/dl-by-de/2.0']);
  });

  it('writes temporal coverage from first and last observation', () => {
    const store = jsonLdToStore(catalogJsonLd(buildDcatCatalog(makeDatasets(), makeSettings(), BASE)));
    const [period] = store.getObjects(`${BASE}/api/v1/tenants/darmstadt/things/carree#dataset`, iriOf('dct:temporal'), null);

    expect(store.getObjects(period, iriOf('dcat:startDate'), null).map((term) => term.value)).toEqual(['2026-12-01T00:00:00.000Z']);
    expect(store.getObjects(period, iriOf('dcat:endDate'), null).map((term) => term.value)).toEqual(['2026-12-02T00:00:00.000Z']);
  });

  it('fails the contributor check without the setting', () => {
    const store = jsonLdToStore(catalogJsonLd(buildDcatCatalog(makeDatasets(), makeSettings({ contributorId: undefined }), BASE)));

    expect(checkDcatApDe(store, ['mandatory'])).toHaveLength(2);
  });
});
