/** Report of one connector run; the status endpoint shows the last one per connector. */
export interface ConnectorRunReport {
  connector: string;
  tenant: string;
  trigger: 'schedule' | 'manual' | 'start';
  startedAtMs: number;
  finishedAtMs?: number;
  /** running, succeeded, not-modified (the source answered 304 or the same bytes), failed. */
  outcome: 'running' | 'succeeded' | 'not-modified' | 'failed';
  inputs: number;
  inputsTotal?: number;
  bytes: number;
  bytesTotal?: number;
  features: number;
  registered: number;
  /** Values the decoder produced. */
  records: number;
  /** Values written to the raw topic. */
  published: number;
  messages: number;
  /** Values of fields or features that the mapping leaves out. */
  dropped: number;
  /** Values sent to the dead letter by the connector (the validator may reject more). */
  deadLettered: number;
  /** Cells that the source marks as having no value. */
  missing: number;
  /** Values held back until a later run (forecasts too far ahead). */
  deferred: number;
  error?: string;
  /** Settings that matched nothing in this run, such as a mapping field the decoder never produced. */
  warnings: string[];
}

export function emptyReport(connector: string, tenant: string, trigger: ConnectorRunReport['trigger'], nowMs: number): ConnectorRunReport {
  return {
    connector,
    tenant,
    trigger,
    startedAtMs: nowMs,
    outcome: 'running',
    inputs: 0,
    bytes: 0,
    features: 0,
    registered: 0,
    records: 0,
    published: 0,
    messages: 0,
    dropped: 0,
    deadLettered: 0,
    missing: 0,
    deferred: 0,
    warnings: [],
  };
}
