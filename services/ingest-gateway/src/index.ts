export * from './config';
export * from './app.module';
export * from './ingest/ingest.module';
export * from './ingest/ingest.service';
export * from './ingest/ingest-settings';
export * from './connectors/connectors.module';
export * from './connectors/connectors.service';
export * from './connectors/connector-settings';
