export * from './mongo.env';
export * from './document-projection';
export * from './fold-batch';
export * from './projection-runner';
