export * from './config';
export * from './app.module';
export * from './query-api.module';
export * from './opendata/opendata.module';
export * from './sensorthings/sensorthings.module';
