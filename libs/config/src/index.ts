export * from './config-loader';
export * from './common-settings';
export * from './adapter-settings';
export * from './transport-security';
export * from './rate-limit-settings';
