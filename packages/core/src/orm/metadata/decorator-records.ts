import 'reflect-metadata';
import type { ColumnOptions, ManyToManyOptions, ManyToOneOptions, OneToManyOptions, PrimaryKeyOptions } from './decorator-options';
import type { LifecycleEvent } from './entity-metadata';

/**
 * What the decorators record, per class, exactly as written: nothing is resolved or checked
 * here. The registry's configure step reads these records (walking the class chain, so mapped
 * base classes and single-table subclasses inherit their ancestors' properties).
 */

export type ColumnRole = 'column' | 'primary' | 'version' | 'createdAt' | 'updatedAt';

export interface ColumnRecord {
  readonly kind: 'column';
  readonly property: string;
  readonly role: ColumnRole;
  /** The decorator as written, for messages: `@Column`, `@PrimaryKey`… */
  readonly decorator: string;
  readonly options: ColumnOptions & PrimaryKeyOptions;
  /** The emitted `design:type`, read when configuring. */
  readonly designType: () => unknown;
}

export type RelationKind = 'manyToOne' | 'oneToMany' | 'oneToOne' | 'manyToMany';

/** Every relationship option, as recorded (each decorator's type allows its own subset). */
export type AnyRelationOptions = ManyToOneOptions & OneToManyOptions<any> & Omit<ManyToManyOptions<any>, 'mappedBy'>;

export interface RelationRecord {
  readonly kind: 'relation';
  readonly property: string;
  readonly relation: RelationKind;
  readonly decorator: string;
  /** The target class thunk, called when configuring (so forward references work). */
  readonly target: () => unknown;
  /** The inverse side's property: a name or `(p) => p.author`. */
  readonly mappedBy?: string | ((target: any) => unknown);
  readonly options: AnyRelationOptions;
}

export type PropertyRecord = ColumnRecord | RelationRecord;

export interface IndexRecord {
  readonly properties: readonly string[];
  readonly name?: string;
  readonly unique: boolean;
  /** Where it was declared, for messages: `@Index on the class` or `@Unique on email`. */
  readonly declaredAt: string;
}

export interface ClassRecord {
  readonly properties: Map<string, PropertyRecord>;
  /** Properties decorated twice (`@Column` and `@PrimaryKey`…), reported when configuring. */
  readonly conflicts: string[];
  readonly indexes: IndexRecord[];
  readonly hooks: Map<LifecycleEvent, string[]>;
}

const records = new WeakMap<Function, ClassRecord>();

/** The record of `ctor` itself (not its ancestors), created on first use. */
export function ownRecord(ctor: Function): ClassRecord {
  let record = records.get(ctor);
  if (!record) {
    record = { properties: new Map(), conflicts: [], indexes: [], hooks: new Map() };
    records.set(ctor, record);
  }
  return record;
}

/** The class's ancestors with records, root first, ending with the class itself. */
export function recordChain(ctor: Function): { readonly ctor: Function; readonly record: ClassRecord }[] {
  const chain: { ctor: Function; record: ClassRecord }[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const record = records.get(c);
    if (record) chain.unshift({ ctor: c, record });
  }
  return chain;
}

/** A property key as a string (decorators on symbol-keyed properties are refused). */
function propertyName(key: string | symbol, decorator: string): string {
  if (typeof key !== 'string') throw new TypeError(`${decorator} cannot decorate the symbol-keyed property ${String(key)}.`);
  return key;
}

function ctorOf(target: object): Function {
  // Property decorators receive the prototype; static members (the constructor) are not mapped.
  return typeof target === 'function' ? target : (target as { constructor: Function }).constructor;
}

export function recordProperty(
  target: object,
  key: string | symbol,
  make: (property: string) => PropertyRecord,
): void {
  const property = propertyName(key, 'A mapping decorator');
  const record = ownRecord(ctorOf(target));
  const made = make(property);
  const existing = record.properties.get(property);
  if (existing) {
    record.conflicts.push(`${property} has both ${existing.decorator} and ${made.decorator}; keep one`);
    return;
  }
  if (typeof target === 'function') {
    record.conflicts.push(`${property} is static; ${made.decorator} maps instance properties only`);
    return;
  }
  record.properties.set(property, made);
}

export function designTypeOf(target: object, key: string): () => unknown {
  return () => Reflect.getMetadata('design:type', target, key) as unknown;
}

export function recordIndex(target: object, index: IndexRecord): void {
  ownRecord(ctorOf(target)).indexes.push(index);
}

/** Lifecycle events some class in the process declares a hook for (only ever grows). */
const declaredHookEvents = new Set<LifecycleEvent>();

/** Whether any class declares a hook for `event`: when none does, a flush skips looking per object. */
export function hookDeclared(event: LifecycleEvent): boolean {
  return declaredHookEvents.has(event);
}

export function recordHook(target: object, key: string | symbol, event: LifecycleEvent, decorator: string): void {
  const method = propertyName(key, decorator);
  declaredHookEvents.add(event);
  const hooks = ownRecord(ctorOf(target)).hooks;
  const list = hooks.get(event) ?? [];
  if (!list.includes(method)) list.push(method);
  hooks.set(event, list);
}
