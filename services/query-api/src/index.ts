export * from './config';
export * from './app.module';
export * from './query-api.module';
