/** Limits and identity of the validator, from its configuration. */
export class ValidatorSettings {
  constructor(
    /** Largest accepted payload, in bytes. */
    readonly maxPayloadBytes: number,
    /** Version written into every rejection, so a rejection can be traced to the rules that made it. */
    readonly version: string,
    /** Whether observations are signed; off only to measure what signing costs. */
    readonly signing = true,
  ) {}
}
