export * from './loyalty-program';
export * from './loyalty-balance';
