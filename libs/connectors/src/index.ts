export {
  connectorSchema,
  connectorsFileSchema,
  intervalMs,
  type ConnectorDefinition,
  type ConnectorMapping,
  type ConnectorSchedule,
  type ConnectorSource,
} from './config/connector-config.schema';
export { loadConnectorsFile, parseConnectors } from './config/load-connectors';
export type {
  SourceDecodeContext,
  SourceDecodeResult,
  SourceDecoder,
  SourceFeature,
  SourceGeometry,
  SourceRecord,
} from './decoders/source-decoder.interface';
export { ConnectorScheduler, cronProblem } from './schedule/connector-scheduler';
export { CONNECTOR_FETCH_FAILED, ConnectorFetchError } from './sources/connector-fetch.error';
export { HttpFetcher, type ConditionalState, type FetchOutcome, type HttpFetcherOptions } from './sources/http-fetcher';
export { globMatcher, listSourceFiles } from './sources/file-lister';
export type { RunProgress, SourceInput } from './sources/source-input';
export type {
  ConnectorMessage,
  ConnectorRejection,
  ConnectorSink,
  DeviceDirectory,
  FeatureRegistration,
} from './runtime/connector-ports';
export type { ConnectorRunReport } from './runtime/connector-run-report';
export { ConnectorRunner, type RunOptions } from './runtime/connector-runner';
export { deviceIdFor, mappedField } from './runtime/device-mapping';
export { SOURCE_DECODERS } from './decoders/source-decoder.registry';
