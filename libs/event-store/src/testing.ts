// Secondary entry point for tests: the contract suite every event store adapter must pass.
// Kept out of the main index so production bundles never reference jest.
export { describeEventStoreContract, type ContractLimits } from './testing/event-store.contract';
