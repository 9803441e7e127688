export * from './engine/driver';
export * from './sql';
export * from './errors/errors';
export * from './engine/dialect-registry';
export * from './engine/url';
export * from './engine';
export * from './orm';
export { arrayCopier, arrayFiller } from './runtime/array-literals';
// `Column` at the package root is the @Column decorator; Core's table column class is also `TableColumn`.
export { Column } from './orm';
export { Column as TableColumn } from './sql';
