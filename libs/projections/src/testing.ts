// Secondary entry point for read-side integration tests; kept out of the main index so service
// bundles never pull in @nestjs/testing.
export * from './testing/read-side-test-app';
export * from './replay/testing/replay-expectations';
export * from './replay/testing/contact-card.read-model';
export * from './replay/testing/replay-test-harness';
export * from './replay/testing/contact-card.service-module';
