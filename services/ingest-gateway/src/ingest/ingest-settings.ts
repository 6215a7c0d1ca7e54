/** Limits of the ingest edge, from the configuration. */
export class IngestSettings {
  constructor(
    /** Largest accepted payload in bytes; a larger one goes to the dead letter, truncated to this size. */
    readonly maxPayloadBytes: number,
    readonly version: string,
  ) {}
}
