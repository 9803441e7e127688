import { InvalidArgumentError } from '../../errors/errors';
import type { Expression } from '../expression/expression';
import { referentialAction } from './column-builder';
import type { ReferentialActionOption } from './column-builder';
import type { AnyColumn } from './column';

/** Table-level constraints and indexes, declared in `table(name, columns, { constraints: (t) => [...] })`. */

export interface IndexDef {
  readonly kind: 'index';
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
  readonly unique: boolean;
}
export interface UniqueDef {
  readonly kind: 'unique';
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
}
export interface CheckDef {
  readonly kind: 'check';
  readonly name?: string;
  readonly expr: Expression<boolean>;
}
export interface PrimaryKeyDef {
  readonly kind: 'primaryKey';
  readonly columns: readonly AnyColumn[];
}
export interface ForeignKeyDef {
  readonly kind: 'foreignKey';
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
  readonly references: () => readonly AnyColumn[];
  readonly onDelete?: ReturnType<typeof referentialAction>;
  readonly onUpdate?: ReturnType<typeof referentialAction>;
}

export type TableConstraint = IndexDef | UniqueDef | CheckDef | PrimaryKeyDef | ForeignKeyDef;

function columnList(what: string, columns: readonly AnyColumn[]): readonly AnyColumn[] {
  if (columns.length === 0) throw new InvalidArgumentError(`${what} needs at least one column.`);
  return Object.freeze([...columns]);
}

export function index(name: string | undefined, ...columns: AnyColumn[]): IndexDef {
  return Object.freeze({ kind: 'index', name, columns: columnList('index()', columns), unique: false });
}

export function uniqueIndex(name: string | undefined, ...columns: AnyColumn[]): IndexDef {
  return Object.freeze({ kind: 'index', name, columns: columnList('uniqueIndex()', columns), unique: true });
}

export function unique(...columns: AnyColumn[]): UniqueDef {
  return Object.freeze({ kind: 'unique', columns: columnList('unique()', columns) });
}

export function namedUnique(name: string, ...columns: AnyColumn[]): UniqueDef {
  return Object.freeze({ kind: 'unique', name, columns: columnList('namedUnique()', columns) });
}

export function check(name: string | undefined, expr: Expression<boolean>): CheckDef {
  return Object.freeze({ kind: 'check', name, expr });
}

export function primaryKey(...columns: AnyColumn[]): PrimaryKeyDef {
  return Object.freeze({ kind: 'primaryKey', columns: columnList('primaryKey()', columns) });
}

export function foreignKey(
  columns: readonly AnyColumn[],
  references: () => readonly AnyColumn[],
  options: { name?: string; onDelete?: ReferentialActionOption; onUpdate?: ReferentialActionOption } = {},
): ForeignKeyDef {
  return Object.freeze({
    kind: 'foreignKey',
    name: options.name,
    columns: columnList('foreignKey()', columns),
    references,
    onDelete: referentialAction(options.onDelete, 'foreignKey({ onDelete })'),
    onUpdate: referentialAction(options.onUpdate, 'foreignKey({ onUpdate })'),
  });
}
