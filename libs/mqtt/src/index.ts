export * from './mqtt-ingress.port';
export * from './ingest-topics';
export * from './aedes-broker.adapter';
export * from './external-broker.adapter';
export * from './shared-subscription.ingress';
export * from './topic-access';
