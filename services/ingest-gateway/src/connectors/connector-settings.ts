import type { SourceDecoder } from '@stadtdaten/connectors';

/** Where the connectors file is, which decoders exist, and whether schedules run in this process. */
export class ConnectorSettings {
  constructor(
    readonly file: string | undefined,
    readonly decoders: readonly SourceDecoder[],
    readonly schedule = true,
  ) {}
}
