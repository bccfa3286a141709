// Secondary entry point for tests (kept out of the main index, so service bundles stay lean).
export * from './testing/test-api-key';
