export * from './config';
export * from './app.module';
export * from './storage/storage.module';
export * from './storage/storage.service';
export * from './storage/storage.consumer';
export * from './storage/retention.enforcer';
