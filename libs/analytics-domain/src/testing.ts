// Secondary entry point: fixtures for the library's tests and the analytics service's; kept out of
// the main index so they never reach a service bundle.
export * from './testing/journeys';
