export * from './errors';
export * from './ids';
export * from './model';
export * from './topics';
export * from './events';
export * from './clock';
export * from './derived-ids';
