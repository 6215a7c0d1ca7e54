/** Connection of the MQTT publisher to an external broker (Mosquitto), for a query-api without an MQTT edge. */
export interface StaMqttClientSettings {
  /** Broker URL, e.g. `mqtts://mosquitto.stadtdaten.svc:8883`. */
  url: string;
  /** Prefix of the client id; each connection appends a random suffix (`connectionClientId`). */
  clientId: string;
  /** Paths of the PEM files: the broker's CA, the client certificate and its key. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

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
  /** Inner requests one $batch may contain; a larger batch is rejected before any request runs. */
  batchMaxRequests = 100;
  /**
   * Public URL of the platform, e.g. `https://daten.example.org`, for the `@iot.selfLink` of
   * observations sent over MQTT. Undefined takes the address the HTTP server listens on.
   */
  publicBaseUrl?: string;
  /**
   * Tenant whose observations also go to the topics without tenant segment,
   * `v1.1/Datastreams('<id>')/Observations`. Undefined publishes no such topics.
   */
  mqttDefaultTenant?: string;
  /** Own connection to an external broker. Undefined publishes through the process's MQTT edge, if any. */
  mqttClient?: StaMqttClientSettings;
  /** Observations waiting to be stored and published over MQTT. Further ones are dropped and counted. */
  mqttQueueLimit = 10_000;
  /** How long the publisher waits for an observation to appear in the store, in milliseconds. */
  mqttStoreWaitMs = 10_000;
  /** Pause between two looks at the store while the publisher waits, in milliseconds. */
  mqttStorePollMs = 50;
  /** Age of an event-log record past which its observation is no longer published, in milliseconds. */
  mqttMaxAgeMs = 60_000;

  constructor(overrides: Partial<SensorThingsSettings> = {}) {
    Object.assign(this, overrides);
  }
}
