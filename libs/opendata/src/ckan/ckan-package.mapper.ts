import { createHash } from 'node:crypto';
import type { CatalogDataset } from '../dcat/catalog-model';
import { frequencyIri, themeIri } from '../dcat/vocabularies';
import type { OpenDataSettings } from '../opendata-settings';

/** The fields of a CKAN package that the publisher sets; everything else on the portal stays as it is. */
export interface CkanPackageFields {
  name: string;
  title: string;
  notes: string;
  owner_org: string;
  /** Always false: the package of a catalog dataset is public, also after it was withdrawn. */
  private: boolean;
  license_id: string;
  url: string;
  tags: Array<{ name: string }>;
  extras: Array<{ key: string; value: string }>;
}

/** The fields of a CKAN resource that the publisher sets. A resource is matched by its URL. */
export interface CkanResourceFields {
  url: string;
  name: string;
  description: string;
  format: string;
  mimetype: string;
}

export interface DesiredPackage {
  fields: CkanPackageFields;
  resources: CkanResourceFields[];
}

const LICENSES_PREFIX = 'http://dcat-ap.de/def/licenses/';
const TAG = /^[\p{L}\p{N} _.-]{2,100}$/u;

/**
 * Derives the CKAN package name from the dataset id (`<tenant>/<thing>`): lower case, with
 * every character outside a-z, 0-9, `_` and `-` replaced by `-`. When that changed anything
 * but case and the slash, 8 hex digits of the id's SHA-256 keep different ids apart.
 */
export function packageNameOf(datasetId: string): string {
  const lower = datasetId.toLowerCase();
  const cleaned = lower.replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  const lossless = lower.replace('/', '-') === cleaned && datasetId === lower;
  const base = cleaned.slice(0, lossless ? 100 : 91) || 'dataset';

  return lossless ? base : `${base}-${createHash('sha256').update(datasetId).digest('hex').slice(0, 8)}`;
}

/** CKAN licence id for a DCAT-AP.de licence URI (e.g. dl-by-de/2.0, as GovData's CKAN lists it); other URIs as they are. */
export function ckanLicenseId(licenseUri: string): string {
  return licenseUri.startsWith(LICENSES_PREFIX) ? licenseUri.slice(LICENSES_PREFIX.length) : licenseUri;
}

/** Builds the package and resources the portal should have for one dataset. Extras follow ckanext-dcat's names. */
export function desiredPackage(dataset: CatalogDataset, settings: OpenDataSettings, organization: string, baseUrl: string): DesiredPackage {
  const extras: Array<[string, string | undefined]> = [
    ['identifier', dataset.id],
    ['spatial', JSON.stringify(dataset.geometry)],
    ['temporal_start', dataset.firstMs === undefined ? undefined : new Date(dataset.firstMs).toISOString()],
    ['temporal_end', dataset.lastMs === undefined ? undefined : new Date(dataset.lastMs).toISOString()],
    ['frequency', frequencyIri(dataset.frequency)],
    ['theme', dataset.themes.length === 0 ? undefined : JSON.stringify(dataset.themes.map(themeIri))],
    ['publisher_name', settings.publisher.name],
    ['publisher_uri', settings.publisher.uri],
    ['contact_email', settings.publisher.email],
    ['contributorID', settings.contributorId === undefined ? undefined : JSON.stringify([settings.contributorId])],
    ['politicalGeocodingURI', settings.geocodingUri],
  ];

  return {
    fields: {
      name: packageNameOf(dataset.id),
      title: dataset.title,
      notes: dataset.description,
      owner_org: organization,
      private: false,
      license_id: ckanLicenseId(settings.license),
      url: `${baseUrl}${dataset.thingPath}`,
      tags: dataset.keywords.filter((keyword) => TAG.test(keyword)).map((name) => ({ name })),
      extras: extras.filter((entry): entry is [string, string] => entry[1] !== undefined).map(([key, value]) => ({ key, value })),
    },
    resources: dataset.distributions.map((distribution) => ({
      url: `${baseUrl}${distribution.accessPath}`,
      name: distribution.title,
      description: distribution.description,
      format: distribution.format.label,
      mimetype: distribution.format.mediaType,
    })),
  };
}

/** Lists the package fields whose stored value differs from the desired one; tags and extras compare as sets. */
export function changedPackageFields(stored: Record<string, unknown>, desired: CkanPackageFields): Array<keyof CkanPackageFields> {
  const changed: Array<keyof CkanPackageFields> = [];
  for (const key of ['title', 'notes', 'owner_org', 'license_id', 'url'] as const) {
    if ((stored[key] ?? '') !== desired[key]) {
      changed.push(key);
    }
  }
  // CKAN returns `private` as a boolean; a package without the field is public.
  if ((stored.private ?? false) !== desired.private) {
    changed.push('private');
  }
  const storedTags = ((stored.tags as Array<{ name: string }> | undefined) ?? []).map((tag) => tag.name).sort();
  if (JSON.stringify(storedTags) !== JSON.stringify(desired.tags.map((tag) => tag.name).sort())) {
    changed.push('tags');
  }
  const storedExtras = ((stored.extras as Array<{ key: string; value: string }> | undefined) ?? []).map((extra) => `${extra.key}=${extra.value}`).sort();
  if (JSON.stringify(storedExtras) !== JSON.stringify(desired.extras.map((extra) => `${extra.key}=${extra.value}`).sort())) {
    changed.push('extras');
  }

  return changed;
}

/** True when a stored resource differs from the desired one in a field the publisher sets. */
export function resourceChanged(stored: Record<string, unknown>, desired: CkanResourceFields): boolean {
  return (['name', 'description', 'format', 'mimetype'] as const).some((key) => (stored[key] ?? '') !== desired[key]);
}
