import type { DatastreamDto } from '@stadtdaten/registry';
import type { JobInputs } from './analytics-file.schema';
import { IdPattern } from './id-pattern';

/** A job's inputs as a test of tenants and datastreams. */
export class InputFilter {
  private readonly tenants: IdPattern;
  private readonly datastreams: IdPattern;
  private readonly excluded: IdPattern;
  private readonly properties?: ReadonlySet<string>;

  constructor(inputs: JobInputs) {
    this.tenants = new IdPattern(inputs.tenants);
    this.datastreams = new IdPattern(inputs.datastreams);
    this.excluded = new IdPattern(inputs.exclude);
    this.properties = inputs.observedProperties === undefined ? undefined : new Set(inputs.observedProperties);
  }

  acceptsTenant(tenant: string): boolean {
    return this.tenants.matches(tenant);
  }

  /** Tests id patterns and observed properties; the job checks value types and classifications itself. */
  accepts(datastream: DatastreamDto): boolean {
    const property = this.properties === undefined || this.properties.has(datastream.observedProperty.id);

    return property && this.acceptsTenant(datastream.tenant) && this.datastreams.matches(datastream.id) && !this.excluded.matches(datastream.id);
  }
}
