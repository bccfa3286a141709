export * from './segment-rules';
export * from './segment-membership';
