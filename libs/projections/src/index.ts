export * from './mongo.env';
export * from './document-projection';
export * from './fold-batch';
export * from './projection-runner';
export * from './merged-documents';
export * from './nest/read-side.options';
export * from './nest/read-side.service';
export * from './nest/read-side.module';
