export * from './config-loader';
export * from './common-settings';
export * from './adapter-settings';
