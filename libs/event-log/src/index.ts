export * from './event-log.port';
export { SqliteEventLog } from './sqlite-event-log.adapter';
export type { SqliteEventLogOptions } from './sqlite-event-log.options';
