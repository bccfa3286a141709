// Secondary entry point for read-side integration tests; kept out of the main index so service
// bundles never pull in @nestjs/testing.
export * from './testing/read-side-test-app';
