/** One body to decode: a file, or one page of an HTTP answer. */
export interface SourceInput {
  /** File path or URL, used in positions and dead-letter entries. */
  name: string;
  bytes: Uint8Array;
}

/** Progress of one run, for the CLI's progress bar and the status endpoint. */
export interface RunProgress {
  inputsDone: number;
  /** Known for file and folder sources; undefined for URLs. */
  inputsTotal?: number;
  bytesDone: number;
  bytesTotal?: number;
}
