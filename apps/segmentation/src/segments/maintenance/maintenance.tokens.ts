/** Injection tokens of the plain objects the module shares (created in `register`, outside DI). */
export const SEGMENT_CATALOGUE = Symbol('SEGMENT_CATALOGUE');
export const MAINTENANCE_LOCK = Symbol('MAINTENANCE_LOCK');
