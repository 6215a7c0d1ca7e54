/**
 * published: the package is public with every resource. pending: not yet tried. failed: the
 * last attempt failed. withdrawn: the dataset left the catalog and its package is private.
 */
export type PublicationStateName = 'published' | 'pending' | 'failed' | 'withdrawn';

/** The publication state of one dataset, as GET /api/v1/opendata/publication lists it. */
export interface PublicationState {
  datasetId: string;
  tenant: string;
  /** Name of the package on the portal. */
  package: string;
  /** Id that the portal gave the package, once a call returned it. */
  packageId?: string;
  state: PublicationStateName;
  /** Resources the package has out of those it should have, after the last attempt. */
  resourcesPublished: number;
  resourcesTotal: number;
  /** UTC ISO 8601 time of the last attempt to publish or withdraw. */
  attemptedAt?: string;
  /** UTC ISO 8601 time of the last attempt that published the package completely. */
  publishedAt?: string;
  /** Error message of the last failed attempt. The next run starts again from the portal's state. */
  error?: string;
  /** The step that failed: package_show, package_create, package_patch, resource_create or resource_patch. */
  failedStep?: string;
}

export interface PublicationRun {
  startedAt: string;
  finishedAt: string;
  published: number;
  failed: number;
  /** Packages made private in this run because their datasets left the catalog. */
  withdrawn: number;
}
