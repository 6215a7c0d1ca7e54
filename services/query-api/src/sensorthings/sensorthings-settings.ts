/**
 * Limits of the SensorThings API; the defaults suit the embedded platform.
 * TODO: read them from the query-api configuration (config.ts), which has no settings for them yet.
 */
export class SensorThingsSettings {
  /** Entities per page when the request has no $top. */
  defaultTop = 100;
  /** Largest page; a larger $top is served in pages of this size with an @iot.nextLink. */
  maxTop = 1000;
  /** Observations read from the store for one page before the page is cut short with a nextLink. */
  maxScannedObservations = 100_000;
  /** Observations held in memory to sort by anything other than phenomenonTime, or to count through a filter. */
  maxObservationsInMemory = 50_000;
  /** How long a POST of observations waits for the pipeline to store or reject them, in milliseconds. */
  writeWaitMs = 5000;
  /** Pause between two looks at the store while waiting, in milliseconds. */
  writePollMs = 50;

  constructor(overrides: Partial<SensorThingsSettings> = {}) {
    Object.assign(this, overrides);
  }
}
