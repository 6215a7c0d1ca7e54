export * from './config';
export * from './app.module';
export * from './validation/validation.module';
export * from './validation/validation.service';
export * from './validation/validation.consumer';
export * from './validation/validator-settings';
