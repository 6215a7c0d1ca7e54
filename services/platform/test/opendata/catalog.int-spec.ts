import { type StoredObservation, observationId } from '@stadtdaten/contracts';
import { OpenDataSettings } from '@stadtdaten/opendata';
import { PersonalTimeSeriesStore } from '@stadtdaten/runtime';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { Parser, Store } from 'n3';
import { checkDcatApDe, iriOf, jsonLdToStore, subjectsOf } from '../../../../libs/opendata/test/dcat-ap-de.checks';
import { type OpenDataApp, applyCatalogTo, startOpenDataApp } from './opendata-app';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
  - { id: heag, name: HEAG }
observedProperties:
  - { id: free_spaces, name: Freie Stellplätze, definition: "urn:stadtdaten:property:free_spaces" }
  - { id: pm10, name: PM10, definition: "http://vocabs.lter-europe.net/EnvThes/22413" }
  - { id: power, name: Leistung, definition: "urn:stadtdaten:property:power" }
deviceTypes:
  - { id: counter, tenant: darmstadt, name: Zähler, payloadFormat: json, fields: [{ field: free, observedProperty: free_spaces, unit: "{spaces}", type: integer, min: 0 }] }
  - { id: pm-sensor, tenant: darmstadt, name: Feinstaub, payloadFormat: json, fields: [{ field: pm10, observedProperty: pm10, unit: ug/m3, type: number }] }
  - { id: meter, tenant: heag, name: Zähler, payloadFormat: json, fields: [{ field: power, observedProperty: power, unit: kW, type: number }] }
things:
  - { tenant: darmstadt, id: garage, name: Parkhaus Mitte, useCase: parking, location: { type: Point, coordinates: [8.65, 49.87] } }
  - { tenant: darmstadt, id: station, name: Messstation Hügelstraße, useCase: air-quality, location: { type: Point, coordinates: [8.66, 49.86] } }
  - { tenant: darmstadt, id: home, name: Wohnung, useCase: other, location: { type: Point, coordinates: [8.67, 49.85] } }
  - { tenant: heag, id: substation, name: Umspannwerk, useCase: energy, location: { type: Point, coordinates: [8.64, 49.88] } }
devices:
  - { tenant: darmstadt, id: garage-counter, type: counter, thing: garage, classification: public }
  - { tenant: darmstadt, id: station-pm, type: pm-sensor, thing: station, classification: public }
  - { tenant: darmstadt, id: station-internal, type: pm-sensor, thing: station, classification: internal }
  - { tenant: darmstadt, id: home-sensor, type: pm-sensor, thing: home, classification: personal }
  - { tenant: heag, id: substation-meter, type: meter, thing: substation, classification: public }
`;

const PUBLIC = ['darmstadt/garage-counter.free', 'darmstadt/station-pm.pm10', 'heag/substation-meter.power'];
const HIDDEN = ['station-internal.pm10', 'home-sensor.pm10'];
const START = Date.UTC(2026, 10, 30, 0, 0);

function observations(tenant: string, datastreamId: string, count: number, stepMs: number): StoredObservation[] {
  return Array.from({ length: count }, (_, index) => {
    const timeMs = START + index * stepMs;

    return {
      id: observationId(tenant, datastreamId, timeMs),
      tenant,
      datastreamId,
      phenomenonTimeMs: timeMs,
      resultTimeMs: timeMs,
      receivedAtMs: timeMs,
      result: index,
      qualityFlags: [],
      storageProfile: 'onprem-darz',
    };
  });
}

describe('GET /api/v1/catalog', () => {
  let sut: OpenDataApp;

  beforeAll(async () => {
    const settings = new OpenDataSettings({
      baseUrl: 'https://daten.example.org',
      contributorId: 'http://dcat-ap.de/def/contributors/darmstadt',
      publisher: { name: 'Wissenschaftsstadt Darmstadt', uri: 'https://www.darmstadt.de', email: 'opendata@stadt.example' },
    });
    sut = await startOpenDataApp({ settings });
    await applyCatalogTo(sut, CATALOG);
    const store = sut.app.get(TimeSeriesStore);
    await store.write(observations('darmstadt', 'garage-counter.free', 97, 15 * 60_000));
    await store.write(observations('darmstadt', 'station-pm.pm10', 3, 86_400_000));
    await store.write(observations('darmstadt', 'station-internal.pm10', 5, 60_000));
    await store.write(observations('heag', 'substation-meter.power', 10, 60_000));
    await sut.app.get(PersonalTimeSeriesStore).write(observations('darmstadt', 'home-sensor.pm10', 5, 60_000));
  });

  afterAll(() => sut.stop());

  async function jsonLd(query = '', headers: Record<string, string> = {}) {
    const response = await fetch(`${sut.url}/api/v1/catalog${query}`, { headers });

    return { response, text: await response.text() };
  }

  async function turtle(query = '', headers: Record<string, string> = { accept: 'text/turtle' }) {
    const response = await fetch(`${sut.url}/api/v1/catalog${query}`, { headers });
    const text = await response.text();

    return { response, text, store: new Store(new Parser({ format: 'text/turtle' }).parse(text)) };
  }

  function csvDatastreams(store: Store): string[] {
    const urls = subjectsOf(store, 'dcat:Distribution').flatMap((subject) => store.getObjects(subject, iriOf('dcat:accessURL'), null).map((term) => term.value));

    return urls
      .map((url) => /\/tenants\/([^/]+)\/datastreams\/([^/]+)\/observations\?format=csv$/.exec(url))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => `${match[1]}/${decodeURIComponent(match[2])}`)
      .sort();
  }

  it('serves JSON-LD by default, without a token', async () => {
    const { response, text } = await jsonLd();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(checkDcatApDe(jsonLdToStore(JSON.parse(text)))).toEqual([]);
  });

  it('serves Turtle for Accept text/turtle', async () => {
    const { response, store } = await turtle();

    expect(response.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(checkDcatApDe(store)).toEqual([]);
  });

  it('serves Turtle for format=ttl', async () => {
    const { response, store } = await turtle('?format=ttl', {});

    expect(response.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(subjectsOf(store, 'dcat:Dataset')).toHaveLength(3);
  });

  it('lists every public datastream', async () => {
    const { store } = await turtle();

    expect(csvDatastreams(store)).toEqual(PUBLIC);
    expect(csvDatastreams(jsonLdToStore(JSON.parse((await jsonLd()).text)))).toEqual(PUBLIC);
  });

  it('never lists internal or personal datastreams', async () => {
    const texts = [(await jsonLd()).text, (await turtle()).text];

    for (const text of texts) {
      for (const id of HIDDEN) {
        expect({ id, listed: text.includes(id) }).toEqual({ id, listed: false });
      }
      expect(text).not.toContain('things/home');
    }
  });

  it('describes time span and frequency', async () => {
    const { store } = await turtle();
    const dataset = 'https://daten.example.org/api/v1/tenants/darmstadt/things/garage#dataset';
    const [period] = store.getObjects(dataset, iriOf('dct:temporal'), null);

    expect(store.getObjects(period, iriOf('dcat:startDate'), null)[0].value).toBe('2026-11-30T00:00:00.000Z');
    expect(store.getObjects(period, iriOf('dcat:endDate'), null)[0].value).toBe('2026-12-01T00:00:00.000Z');
    expect(store.getObjects(dataset, iriOf('dct:accrualPeriodicity'), null)[0].value).toBe('http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT');
  });

  it('names publisher and contact from the settings', async () => {
    const { store } = await turtle();
    const dataset = 'https://daten.example.org/api/v1/tenants/heag/things/substation#dataset';
    const [contact] = store.getObjects(dataset, iriOf('dcat:contactPoint'), null);

    expect(store.getObjects(dataset, iriOf('dct:publisher'), null).map((term) => term.value)).toEqual(['https://www.darmstadt.de']);
    expect(store.getObjects(contact, iriOf('vcard:hasEmail'), null).map((term) => term.value)).toEqual(['mailto:opendata@stadt.example']);
    expect(store.getObjects(dataset, iriOf('dcat:theme'), null).map((term) => term.value)).toEqual(['http://publications.europa.eu/resource/authority/data-theme/ENER']);
  });

  it('drops a datastream that became internal', async () => {
    const admin = await sut.issueToken('darmstadt', ['tenant-admin']);
    const patch = await fetch(`${sut.url}/api/v1/tenants/darmstadt/datastreams/station-pm.pm10`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ classification: 'internal' }),
    });
    expect(patch.status).toBe(200);

    const { store } = await turtle();

    expect(csvDatastreams(store)).toEqual(['darmstadt/garage-counter.free', 'heag/substation-meter.power']);
    expect(subjectsOf(store, 'dcat:Dataset').map((term) => term.value)).not.toContain('https://daten.example.org/api/v1/tenants/darmstadt/things/station#dataset');
  });

  it('rejects an unknown format', async () => {
    const { response } = await jsonLd('?format=rdfxml');

    expect(response.status).toBe(400);
  });
});
