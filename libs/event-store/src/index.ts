// Public API of @crm/event-store: the port, its errors, the adapters and the shared contract suite.
export * from './event-store.port';
export * from './event-store.errors';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export { InMemoryEventStore } from './memory/in-memory-event-store';
export * from './config/event-store.env';
export * from './config/create-event-store';
export * from './group-commit/group-commit-appender';
export * from './ndjson';
export { outageSafePool } from './postgres/outage-safe-pool';
