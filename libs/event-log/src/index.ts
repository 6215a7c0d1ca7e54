export * from './event-log.port';
export { SqliteEventLog } from './sqlite-event-log.adapter';
export type { SqliteEventLogOptions } from './sqlite-event-log.options';
export { KafkaEventLog } from './kafka-event-log.adapter';
export type { KafkaEventLogOptions } from './kafka-event-log.options';
