import { Store as N3Store, Writer } from 'n3';
import type { OpenDataSettings } from '../opendata-settings';
import type { CatalogDataset, CatalogDistribution } from './catalog-model';
import { RdfNode, dateTime, iri, text, toJsonLd, toQuads, typed } from './rdf-node';
import {
  AVAILABILITY_STABLE,
  DATA_THEME_SCHEME,
  GEOCODING_LEVEL_MUNICIPALITY,
  LANGUAGE_GERMAN,
  PREFIXES,
  SENSORTHINGS_1_1,
  frequencyIri,
  ianaMediaTypeIri,
  themeIri,
} from './vocabularies';

/** Path of the catalog in the REST API; the catalog's IRI is the base URL plus this path. */
export const CATALOG_PATH = '/api/v1/catalog';

/**
 * Builds the DCAT-AP.de catalog as a node tree: one dcat:Dataset per public thing, with a
 * distribution per public datastream and format. `baseUrl` has no trailing slash.
 */
export function buildDcatCatalog(datasets: CatalogDataset[], settings: OpenDataSettings, baseUrl: string): RdfNode {
  const publisher = publisherNode(settings);
  const modified = datasets.map((dataset) => dataset.lastMs).filter((ms): ms is number => ms !== undefined);

  return new RdfNode(['dcat:Catalog'], `${baseUrl}${CATALOG_PATH}`)
    .add('dct:title', text(`Offene Sensordaten – ${settings.publisher.name}`, 'de'), text(`Open sensor data – ${settings.publisher.name}`, 'en'))
    .add(
      'dct:description',
      text(
        'Öffentliche Messdaten der urbanen Datenplattform stadtdaten: Parken, Verkehr, Luftqualität, Energie und mehr, je Ort als Datensatz mit Downloads in CSV, GeoJSON, JSON und Parquet sowie der OGC SensorThings API.',
        'de',
      ),
      text(
        'Public measurements of the stadtdaten urban data platform: parking, traffic, air quality, energy and more, one dataset per place, with downloads as CSV, GeoJSON, JSON and Parquet and the OGC SensorThings API.',
        'en',
      ),
    )
    .add('dct:publisher', publisher)
    .add('foaf:homepage', iri(`${baseUrl}/`))
    .add('dct:language', iri(LANGUAGE_GERMAN))
    .add('dct:license', iri(settings.license))
    .add('dcat:themeTaxonomy', iri(DATA_THEME_SCHEME))
    .add('dct:spatial', iri(settings.geocodingUri))
    .add('dct:modified', modified.length > 0 ? dateTime(Math.max(...modified)) : undefined)
    .add('dcat:dataset', ...datasets.map((dataset) => datasetNode(dataset, settings, baseUrl, publisher)));
}

function publisherNode(settings: OpenDataSettings): RdfNode {
  return new RdfNode(['foaf:Organization', 'foaf:Agent'], settings.publisher.uri).add('foaf:name', text(settings.publisher.name, 'de'));
}

function contactNode(settings: OpenDataSettings): RdfNode {
  const { email, name, uri } = settings.publisher;

  return new RdfNode(['vcard:Organization', 'vcard:Kind'])
    .add('vcard:fn', text(name))
    .add('vcard:hasEmail', email === undefined ? undefined : iri(`mailto:${email}`))
    .add('vcard:hasURL', iri(uri));
}

function datasetNode(dataset: CatalogDataset, settings: OpenDataSettings, baseUrl: string, publisher: RdfNode): RdfNode {
  const node = new RdfNode(['dcat:Dataset'], `${baseUrl}${dataset.thingPath}#dataset`)
    .add('dct:identifier', text(dataset.id))
    .add('dct:title', text(dataset.title, 'de'))
    .add('dct:description', text(dataset.description, 'de'))
    .add('dcat:keyword', ...dataset.keywords.map((keyword) => text(keyword, 'de')))
    .add('dcat:theme', ...dataset.themes.map((code) => iri(themeIri(code))))
    .add('dct:publisher', publisher)
    .add('dcat:contactPoint', contactNode(settings))
    .add('dcatde:contributorID', settings.contributorId === undefined ? undefined : iri(settings.contributorId))
    .add('dcatde:politicalGeocodingURI', iri(settings.geocodingUri))
    .add('dcatde:politicalGeocodingLevelURI', iri(GEOCODING_LEVEL_MUNICIPALITY))
    .add(
      'dct:spatial',
      new RdfNode(['dct:Location']).add('locn:geometry', typed(JSON.stringify(dataset.geometry), 'gsp:geoJSONLiteral')),
    )
    .add('dct:accrualPeriodicity', iri(frequencyIri(dataset.frequency)))
    .add('dct:modified', dataset.lastMs === undefined ? undefined : dateTime(dataset.lastMs))
    .add('dcat:distribution', ...dataset.distributions.map((distribution) => distributionNode(dataset, distribution, settings, baseUrl)));
  if (dataset.firstMs !== undefined && dataset.lastMs !== undefined) {
    node.add(
      'dct:temporal',
      new RdfNode(['dct:PeriodOfTime']).add('dcat:startDate', dateTime(dataset.firstMs)).add('dcat:endDate', dateTime(dataset.lastMs)),
    );
  }

  return node;
}

function distributionNode(
  dataset: CatalogDataset,
  distribution: CatalogDistribution,
  settings: OpenDataSettings,
  baseUrl: string,
): RdfNode {
  const url = iri(`${baseUrl}${distribution.accessPath}`);
  const { format } = distribution;
  const fragment = `distribution-${encodeURIComponent(distribution.datastreamId)}-${format.key}`;

  return new RdfNode(['dcat:Distribution'], `${baseUrl}${dataset.thingPath}#${fragment}`)
    .add('dct:title', text(distribution.title, 'de'))
    .add('dct:description', text(distribution.description, 'de'))
    .add('dcat:accessURL', url)
    .add('dcat:downloadURL', format.download ? url : undefined)
    .add('dct:format', iri(format.fileType))
    .add('dcat:mediaType', iri(ianaMediaTypeIri(format.mediaType)))
    .add('dct:license', iri(settings.license))
    .add('dcatap:availability', iri(AVAILABILITY_STABLE))
    .add('dct:conformsTo', format.key === 'sta' ? iri(SENSORTHINGS_1_1) : undefined);
}

/** Serialises the catalog as JSON-LD (compact form with the prefixes as context). */
export function catalogJsonLd(catalog: RdfNode): Record<string, unknown> {
  return toJsonLd(catalog);
}

/** Serialises the catalog as Turtle; a resource embedded several times (the publisher) is written once. */
export function catalogTurtle(catalog: RdfNode): Promise<string> {
  const store = new N3Store(toQuads(catalog));
  const writer = new Writer({ prefixes: { ...PREFIXES } });
  writer.addQuads(store.getQuads(null, null, null, null));

  return new Promise((resolve, reject) => {
    writer.end((error: Error | null, result: string) => (error ? reject(error) : resolve(result)));
  });
}
