export * from './engine/driver';
export * from './sql';
export * from './errors/errors';
export * from './engine/dialect-registry';
export * from './engine/url';
export * from './engine';
