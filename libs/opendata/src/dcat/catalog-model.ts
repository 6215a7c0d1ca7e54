import type { GeoJsonGeometry } from '@stadtdaten/contracts';
import type { DatastreamDto, ThingDto, UseCase } from '@stadtdaten/registry';
import {
  DISTRIBUTION_FORMATS,
  type DistributionFormat,
  type FrequencyCode,
  THEMES_BY_USE_CASE,
  USE_CASE_KEYWORDS,
  frequencyOf,
} from './vocabularies';

/** Observation counts and time span of one datastream, UTC epoch milliseconds. */
export interface DatastreamStats {
  count: number;
  firstMs?: number;
  lastMs?: number;
}

/** A public thing with its public datastreams and their statistics. */
export interface PublicThing {
  thing: ThingDto;
  datastreams: Array<{ datastream: DatastreamDto; stats: DatastreamStats }>;
}

/** One way to get one datastream's observations. Paths are relative to the platform's base URL. */
export interface CatalogDistribution {
  datastreamId: string;
  format: DistributionFormat;
  title: string;
  description: string;
  /** Path of the access URL, e.g. `/api/v1/tenants/darmstadt/datastreams/x/observations?format=csv`. */
  accessPath: string;
}

/**
 * One dataset of the catalog: a thing (a parking garage, a measuring station) with every
 * public datastream it has. Each datastream contributes one distribution per format.
 */
export interface CatalogDataset {
  /** `<tenant>/<thingId>`, unique in the catalog. */
  id: string;
  tenant: string;
  thingId: string;
  /** Path of the thing in the REST API; the dataset's IRI is this path with `#dataset`. */
  thingPath: string;
  title: string;
  description: string;
  keywords: string[];
  /** EU data theme codes, e.g. TRAN. */
  themes: string[];
  useCase: string;
  geometry: GeoJsonGeometry;
  firstMs?: number;
  lastMs?: number;
  frequency: FrequencyCode;
  distributions: CatalogDistribution[];
}

const FREQUENCY_ORDER: FrequencyCode[] = ['UPDATE_CONT', 'DAILY', 'WEEKLY', 'MONTHLY', 'IRREG', 'UNKNOWN'];

/** Builds the datasets of the catalog, one per public thing, ordered by tenant and thing id. */
export function buildCatalogDatasets(things: PublicThing[]): CatalogDataset[] {
  return things
    .filter((entry) => entry.datastreams.length > 0)
    .map(toDataset)
    .sort(byId);
}

/** Orders by id in code point order; dataset ids are unique. */
function byId(a: CatalogDataset, b: CatalogDataset): number {
  return a.id < b.id ? -1 : 1;
}

function toDataset({ thing, datastreams }: PublicThing): CatalogDataset {
  const useCase = thing.useCase as UseCase;
  const firsts = datastreams.map((entry) => entry.stats.firstMs).filter((ms): ms is number => ms !== undefined);
  const lasts = datastreams.map((entry) => entry.stats.lastMs).filter((ms): ms is number => ms !== undefined);
  const frequencies = datastreams.map(({ stats }) => frequencyOf(stats.count, stats.firstMs, stats.lastMs));
  const names = datastreams.map((entry) => entry.datastream.name);
  const thingPath = `/api/v1/tenants/${encodeURIComponent(thing.tenant)}/things/${encodeURIComponent(thing.id)}`;

  return {
    id: `${thing.tenant}/${thing.id}`,
    tenant: thing.tenant,
    thingId: thing.id,
    thingPath,
    title: thing.name,
    description:
      thing.description.trim() !== ''
        ? thing.description
        : `Messwerte von ${thing.name} (${USE_CASE_KEYWORDS[useCase] ?? thing.useCase}): ${names.join(', ')}.`,
    keywords: unique([USE_CASE_KEYWORDS[useCase] ?? thing.useCase, ...datastreams.map((entry) => entry.datastream.observedProperty.name)]),
    themes: THEMES_BY_USE_CASE[useCase] ?? [],
    useCase: thing.useCase,
    geometry: thing.location,
    firstMs: firsts.length > 0 ? Math.min(...firsts) : undefined,
    lastMs: lasts.length > 0 ? Math.max(...lasts) : undefined,
    frequency: FREQUENCY_ORDER.find((code) => frequencies.includes(code)) ?? 'UNKNOWN',
    distributions: datastreams.flatMap(({ datastream }) => distributionsOf(datastream)),
  };
}

function distributionsOf(datastream: DatastreamDto): CatalogDistribution[] {
  const observationsPath = `/api/v1/tenants/${encodeURIComponent(datastream.tenant)}/datastreams/${encodeURIComponent(datastream.id)}/observations`;
  const unit = datastream.unit.symbol || datastream.unit.code;

  return DISTRIBUTION_FORMATS.map((format) => {
    if (format.key === 'sta') {
      return {
        datastreamId: datastream.id,
        format,
        title: `${datastream.name} (SensorThings API)`,
        description: `Datenstrom ${datastream.id} über die OGC SensorThings API 1.1; die Beobachtungen liegen unter /Observations dieses Datenstroms.`,
        accessPath: `/sta/v1.1/tenants/${encodeURIComponent(datastream.tenant)}/Datastreams${staEntityKey(datastream.id)}`,
      };
    }

    return {
      datastreamId: datastream.id,
      format,
      title: `${datastream.name} (${format.label})`,
      description:
        `${datastream.name} als ${format.label} (Einheit: ${unit}), Zeiten in UTC. ` +
        'Ohne die Parameter from und to enthält die Antwort die letzten 24 Stunden; from und to (ISO 8601) wählen einen anderen Zeitraum.' +
        (format.key === 'json' ? ' JSON liefert höchstens 1000 Werte je Abruf, mit limit bis zu 10000.' : ''),
      accessPath: `${observationsPath}?format=${format.key}`,
    };
  });
}

/**
 * Writes an id as the SensorThings API's resource paths do: single quotes doubled, then
 * percent-encoded except `@` and `:`, which a path segment allows.
 */
function staEntityKey(id: string): string {
  const encoded = encodeURIComponent(id.replace(/'/g, "''")).replace(/%40/g, '@').replace(/%3A/g, ':');

  return `('${encoded}')`;
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((value) => value.trim() !== ''))];
}
