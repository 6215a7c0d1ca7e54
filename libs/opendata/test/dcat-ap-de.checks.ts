import { DataFactory, type Quad, type Quad_Object, Store } from 'n3';

/**
 * Properties of DCAT-AP.de 2.0 per class, with their obligation. Sources: the mandatory and
 * recommended properties of DCAT-AP 2.0, which DCAT-AP.de 2.0 takes over, and the German
 * additions and conventions as GovData's SHACL shapes check them (GovDataOfficial/
 * DCAT-AP.de-SHACL-Validation, validator/resources/v2.0/shapes/dcat-ap-spec-german-additions.ttl
 * and dcat-ap-konventionen.ttl: K12 contributorID, K31 licence, K32 file type, K36 publisher).
 */
export const PROPERTY_CHECKS: ReadonlyArray<{ cls: string; property: string; level: 'mandatory' | 'recommended' }> = [
  { cls: 'dcat:Catalog', property: 'dct:title', level: 'mandatory' },
  { cls: 'dcat:Catalog', property: 'dct:description', level: 'mandatory' },
  { cls: 'dcat:Catalog', property: 'dct:publisher', level: 'mandatory' },
  { cls: 'dcat:Catalog', property: 'dcat:dataset', level: 'mandatory' },
  { cls: 'dcat:Catalog', property: 'foaf:homepage', level: 'recommended' },
  { cls: 'dcat:Catalog', property: 'dct:language', level: 'recommended' },
  { cls: 'dcat:Catalog', property: 'dct:license', level: 'recommended' },
  { cls: 'dcat:Catalog', property: 'dct:modified', level: 'recommended' },
  { cls: 'dcat:Catalog', property: 'dct:spatial', level: 'recommended' },
  { cls: 'dcat:Catalog', property: 'dcat:themeTaxonomy', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dct:title', level: 'mandatory' },
  { cls: 'dcat:Dataset', property: 'dct:description', level: 'mandatory' },
  { cls: 'dcat:Dataset', property: 'dct:publisher', level: 'mandatory' },
  { cls: 'dcat:Dataset', property: 'dcatde:contributorID', level: 'mandatory' },
  { cls: 'dcat:Dataset', property: 'dcat:contactPoint', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dcat:distribution', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dcat:keyword', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dcat:theme', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dct:spatial', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dct:temporal', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dct:accrualPeriodicity', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dct:identifier', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dct:modified', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dcatde:politicalGeocodingURI', level: 'recommended' },
  { cls: 'dcat:Dataset', property: 'dcatde:politicalGeocodingLevelURI', level: 'recommended' },
  { cls: 'dcat:Distribution', property: 'dcat:accessURL', level: 'mandatory' },
  { cls: 'dcat:Distribution', property: 'dct:license', level: 'mandatory' },
  { cls: 'dcat:Distribution', property: 'dct:title', level: 'recommended' },
  { cls: 'dcat:Distribution', property: 'dct:description', level: 'recommended' },
  { cls: 'dcat:Distribution', property: 'dct:format', level: 'recommended' },
  { cls: 'dcat:Distribution', property: 'dcat:mediaType', level: 'recommended' },
  { cls: 'dcat:Distribution', property: 'dcatap:availability', level: 'recommended' },
];

const NS: Record<string, string> = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatde: 'http://dcat-ap.de/def/dcatde/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
};

export function iriOf(term: string): string {
  const [prefix, local] = term.split(':');

  return NS[prefix] === undefined ? term : NS[prefix] + local;
}

type ValueRule = (object: Quad_Object, store: Store) => boolean;

const inScheme = (scheme: string): ValueRule => (object) => object.termType === 'NamedNode' && object.value.startsWith(`${scheme}/`);
const hasType = (...types: string[]): ValueRule => (object, store) =>
  types.some((type) => store.getQuads(object, iriOf('rdf:type'), iriOf(type), null).length > 0);

/** Controlled vocabularies and ranges that DCAT-AP.de requires for values. */
export const VALUE_CHECKS: ReadonlyArray<{ cls: string; property: string; rule: string; test: ValueRule }> = [
  { cls: 'dcat:Distribution', property: 'dct:license', rule: 'licence from http://dcat-ap.de/def/licenses/ (K31)', test: inScheme('http://dcat-ap.de/def/licenses') },
  {
    cls: 'dcat:Distribution',
    property: 'dct:format',
    rule: 'EU file type (K32)',
    test: inScheme('http://publications.europa.eu/resource/authority/file-type'),
  },
  { cls: 'dcat:Dataset', property: 'dcat:theme', rule: 'EU data theme', test: inScheme('http://publications.europa.eu/resource/authority/data-theme') },
  {
    cls: 'dcat:Dataset',
    property: 'dct:accrualPeriodicity',
    rule: 'EU frequency',
    test: inScheme('http://publications.europa.eu/resource/authority/frequency'),
  },
  { cls: 'dcat:Dataset', property: 'dct:publisher', rule: 'a foaf:Agent', test: hasType('foaf:Agent') },
  { cls: 'dcat:Catalog', property: 'dct:publisher', rule: 'a foaf:Agent', test: hasType('foaf:Agent') },
  { cls: 'dcat:Dataset', property: 'dcat:contactPoint', rule: 'a vcard:Kind', test: hasType('vcard:Kind') },
  {
    cls: 'dcat:Dataset',
    property: 'dcat:contactPoint',
    rule: 'vcard:hasEmail or vcard:hasURL (K01)',
    test: (object, store) =>
      store.getQuads(object, iriOf('vcard:hasEmail'), null, null).length + store.getQuads(object, iriOf('vcard:hasURL'), null, null).length > 0,
  },
  { cls: 'dcat:Dataset', property: 'dct:temporal', rule: 'a dct:PeriodOfTime', test: hasType('dct:PeriodOfTime') },
  {
    cls: 'dcat:Dataset',
    property: 'dct:spatial',
    rule: 'an IRI or a dct:Location',
    test: (object, store) => object.termType === 'NamedNode' || hasType('dct:Location')(object, store),
  },
  { cls: 'dcat:Distribution', property: 'dcat:accessURL', rule: 'an IRI', test: (object) => object.termType === 'NamedNode' },
];

/** Subjects of a class in the store. */
export function subjectsOf(store: Store, cls: string) {
  return store.getSubjects(iriOf('rdf:type'), iriOf(cls), null);
}

/** Runs both tables and returns one line per violation, e.g. `dcat:Dataset <iri>: dct:title missing (mandatory)`. */
export function checkDcatApDe(store: Store, levels: Array<'mandatory' | 'recommended'> = ['mandatory', 'recommended']): string[] {
  const failures: string[] = [];
  for (const check of PROPERTY_CHECKS.filter((entry) => levels.includes(entry.level))) {
    for (const subject of subjectsOf(store, check.cls)) {
      if (store.getQuads(subject, iriOf(check.property), null, null).length === 0) {
        failures.push(`${check.cls} ${subject.value}: ${check.property} missing (${check.level})`);
      }
    }
  }
  for (const check of VALUE_CHECKS) {
    for (const subject of subjectsOf(store, check.cls)) {
      for (const quad of store.getQuads(subject, iriOf(check.property), null, null)) {
        if (!check.test(quad.object, store)) {
          failures.push(`${check.cls} ${subject.value}: ${check.property} ${quad.object.value} is not ${check.rule}`);
        }
      }
    }
  }
  for (const subject of subjectsOf(store, 'dcat:Dataset')) {
    if (store.getQuads(subject, iriOf('dct:publisher'), null, null).length > 1) {
      failures.push(`dcat:Dataset ${subject.value}: more than one dct:publisher`);
    }
  }

  return failures;
}

/**
 * Reads the compact JSON-LD that the catalog writes (prefixed keys, @id, @type, @value with
 * @language or @type, nested nodes) into triples. It covers that subset of JSON-LD only.
 */
export function jsonLdToStore(document: Record<string, unknown>): Store {
  const context = document['@context'] as Record<string, string>;
  const expand = (term: string) => {
    const [prefix, ...rest] = term.split(':');

    return context[prefix] === undefined ? term : context[prefix] + rest.join(':');
  };
  const store = new Store();
  let blanks = 0;
  const { namedNode, blankNode, literal, quad } = DataFactory;
  const visit = (node: Record<string, unknown>) => {
    blanks += 1;
    const subject = typeof node['@id'] === 'string' ? namedNode(node['@id']) : blankNode(`j${blanks}`);
    const types = node['@type'];
    for (const type of Array.isArray(types) ? types : [types]) {
      store.addQuad(quad(subject, namedNode(expand('rdf:type')), namedNode(expand(type as string))));
    }
    for (const [key, raw] of Object.entries(node)) {
      if (key.startsWith('@')) {
        continue;
      }
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        store.addQuad(quad(subject, namedNode(expand(key)), objectOf(value)));
      }
    }

    return subject;
  };
  const objectOf = (value: unknown): Quad['object'] => {
    if (typeof value === 'string') {
      return literal(value);
    }
    const object = value as Record<string, unknown>;
    if ('@value' in object) {
      const language = object['@language'] as string | undefined;
      const datatype = object['@type'] as string | undefined;

      return literal(String(object['@value']), language ?? (datatype === undefined ? undefined : namedNode(expand(datatype))));
    }
    if (Object.keys(object).length === 1 && typeof object['@id'] === 'string') {
      return namedNode(object['@id']);
    }

    return visit(object);
  };
  visit(document);

  return store;
}
