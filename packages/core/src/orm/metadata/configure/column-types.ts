import { ColumnBuilder } from '../../../sql/schema/column-builder';
import type { SqlType, TypeKind } from '../../../sql/types/sql-type';
import type { ColumnTypeSpec } from '../decorator-options';
import type { ColumnRecord } from '../decorator-records';

/** Column types from decorator options and `design:type`: a SqlType, or a problem to report. */

const KINDS: readonly TypeKind[] = [
  'integer', 'bigint', 'smallint', 'real', 'double', 'numeric', 'boolean', 'varchar', 'text',
  'date', 'timestamp', 'timestamptz', 'time', 'json', 'uuid', 'blob', 'enum',
];

export const INTEGRAL_KINDS: ReadonlySet<TypeKind> = new Set(['integer', 'bigint', 'smallint']);

export type TypeResult = { readonly type: SqlType } | { readonly problem: string };

function isSqlType(value: unknown): value is SqlType {
  return value !== null && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string';
}

function enumValues(source: unknown, where: string): readonly string[] | string {
  const values = Array.isArray(source) ? source : source !== null && typeof source === 'object' ? enumObjectValues(source as Record<string, unknown>) : undefined;
  if (values === undefined || values.length === 0) return `${where}: \`enum\` must be a non-empty array of strings or a TypeScript string enum.`;
  if (values.some((v) => typeof v !== 'string')) {
    return `${where}: enum values must be strings; map a numeric TypeScript enum with type: 'integer' (or 'smallint').`;
  }
  return Object.freeze([...(values as string[])]);
}

/** A TypeScript enum object's values (a numeric enum also maps values back to names). */
function enumObjectValues(e: Record<string, unknown>): unknown[] {
  return Object.keys(e).filter((k) => !(typeof e[k] === 'string' && typeof e[e[k] as string] === 'number')).map((k) => e[k]);
}

function fromName(kind: TypeKind, record: ColumnRecord, where: string): TypeResult {
  const o = record.options;
  if (o.length !== undefined && kind !== 'varchar') return { problem: `${where}: \`length\` applies to varchar columns, not ${kind}; remove it or use type: 'varchar'.` };
  if ((o.precision !== undefined || o.scale !== undefined) && kind !== 'numeric') {
    return { problem: `${where}: \`precision\` and \`scale\` apply to numeric columns, not ${kind}; remove them or use type: 'numeric'.` };
  }
  if (o.enum !== undefined && kind !== 'enum') return { problem: `${where}: \`enum\` values need type: 'enum' (or no type), not ${kind}.` };
  switch (kind) {
    case 'varchar': {
      const length = o.length ?? 255;
      if (!Number.isInteger(length) || length <= 0) return { problem: `${where}: length must be a positive integer; got ${String(o.length)}.` };
      return { type: { kind, length } };
    }
    case 'numeric': {
      const precision = o.precision ?? 18;
      const scale = o.scale ?? 0;
      if (!Number.isInteger(precision) || precision <= 0 || !Number.isInteger(scale) || scale < 0 || scale > precision) {
        return { problem: `${where}: numeric needs 0 ≤ scale ≤ precision, both integers; got precision ${String(o.precision)}, scale ${String(o.scale)}.` };
      }
      return { type: { kind, precision, scale } };
    }
    case 'enum': {
      if (o.enum === undefined) return { problem: `${where}: type 'enum' needs its values: @Column({ enum: ['a', 'b'] }) or a TypeScript string enum.` };
      const values = enumValues(o.enum, where);
      return typeof values === 'string' ? { problem: values } : { type: { kind, enumValues: values } };
    }
    case 'bigint':
      return { type: { kind, bigintMode: 'bigint' } };
    default:
      return { type: { kind } };
  }
}

function fromSpec(spec: ColumnTypeSpec, record: ColumnRecord, where: string): TypeResult {
  if (typeof spec === 'string') {
    if (!KINDS.includes(spec)) return { problem: `${where}: unknown column type '${spec}'; use one of ${KINDS.join(', ')}, or a column builder such as varchar(50).` };
    return fromName(spec, record, where);
  }
  const type = spec instanceof ColumnBuilder ? spec.config.type : spec;
  if (!isSqlType(type) || !KINDS.includes(type.kind)) {
    return { problem: `${where}: \`type\` must be a type name ('varchar', 'integer'…), a column builder (varchar(50), numeric(10, 2)…) or a SqlType.` };
  }
  if (record.options.length !== undefined || record.options.precision !== undefined || record.options.enum !== undefined) {
    return { problem: `${where}: give length, precision and enum values in the column builder (varchar(50), numeric(10, 2), enumType([…])), not beside it.` };
  }
  return { type };
}

/** What `design:type` says, for messages: `Object`, `Array`, a class name, or `nothing`. */
function describeDesignType(t: unknown): string {
  return typeof t === 'function' ? t.name || 'an anonymous class' : 'nothing';
}

export function resolveColumnType(record: ColumnRecord, where: string): TypeResult {
  const o = record.options;
  if (o.type !== undefined) return fromSpec(o.type, record, where);
  if (o.enum !== undefined) return fromName('enum', record, where);
  if (record.role === 'version') return fromName('integer', record, where);
  if (record.role === 'createdAt' || record.role === 'updatedAt') return fromName('timestamp', record, where);
  const design = record.designType();
  switch (design) {
    case String:
      return fromName('varchar', record, where);
    case Number:
      return fromName('integer', record, where);
    case Boolean:
      return fromName('boolean', record, where);
    case Date:
      return fromName('timestamp', record, where);
    case BigInt:
      return { problem: `${where}: bigint columns need an explicit type: ${record.decorator}({ type: 'bigint' }).` };
    case Object:
      return {
        problem:
          `${where}: TypeScript records no type for unions, nullable types and object types (design:type is Object). ` +
          `Give an explicit type: ${record.decorator}({ type: 'varchar', nullable: true }) for a nullable string, { type: 'json' } for structured values, { enum: [...] } for a union of strings.`,
      };
    case undefined:
      return {
        problem:
          `${where}: no design:type was emitted (is emitDecoratorMetadata on, and 'reflect-metadata' imported?). ` +
          `Give an explicit type: ${record.decorator}({ type: 'varchar' }).`,
      };
    default:
      return {
        problem:
          `${where}: cannot map the type ${describeDesignType(design)} to a column. Give an explicit type: ` +
          `${record.decorator}({ type: 'json' }) for structured values${design === Buffer ? ", { type: 'blob' } for binary data" : ''}, or map it as a relationship (@ManyToOne…).`,
      };
  }
}
