export * from './ndjson-events';
