export * from './engine/driver';
export * from './sql';
export * from './errors/errors';
