export * from './dashboard.options';
export * from './dashboard-config.controller';
export * from './dashboard.module';
