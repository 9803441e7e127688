import type {
  ManyToManyOptions,
  ManyToOneOptions,
  MappedByToMany,
  MappedByToOne,
  OneToManyOptions,
  InverseOneToOneOptions,
  OneToOneOptions,
  ToManyDecorator,
  ToOneDecorator,
} from './decorator-options';
import { recordProperty } from './decorator-records';
import type { AnyRelationOptions, RelationKind } from './decorator-records';
import type { EntityClass } from './entity-metadata';

/**
 * Relationship decorators. The target is a thunk (`() => User`) resolved when the registry
 * configures, so entity files may import each other in any order. The property must be a
 * `Ref<Target>` (to-one) or a `Collection<Target>` (to-many), checked at compile time.
 */

function relationDecorator(
  relation: RelationKind,
  decorator: string,
  target: () => unknown,
  mappedBy: string | ((t: any) => unknown) | undefined,
  options: object | undefined,
): (proto: object, key: string | symbol) => void {
  const frozen = Object.freeze({ ...(options ?? {}) }) as AnyRelationOptions;
  return (proto, key) =>
    recordProperty(proto, key, (property) => ({ kind: 'relation', property, relation, decorator, target, mappedBy, options: frozen }));
}

/**
 * The owning side of a many-to-one: `@ManyToOne(() => User) author!: Ref<User>` adds the
 * foreign-key column `author_id` (property `authorId` in `table(Post)`), indexed by default.
 */
export function ManyToOne<Target extends object, const O extends ManyToOneOptions = {}>(
  target: () => EntityClass<Target>,
  options?: O,
): ToOneDecorator<Target, O> {
  return relationDecorator('manyToOne', '@ManyToOne', target, undefined, options) as ToOneDecorator<Target, O>;
}

/**
 * The inverse side of a many-to-one: `@OneToMany(() => Post, 'author')` or
 * `@OneToMany(() => Post, (p) => p.author)`; Post.author must be a @ManyToOne back to this class.
 */
export function OneToMany<Target extends object>(
  target: () => EntityClass<Target>,
  mappedBy: MappedByToOne<Target>,
  options?: OneToManyOptions<Target>,
): ToManyDecorator<Target> {
  return relationDecorator('oneToMany', '@OneToMany', target, mappedBy, options) as ToManyDecorator<Target>;
}

/**
 * One-to-one. Without `mappedBy` this side owns the foreign key (unique; `joinColumn` names
 * it); with `mappedBy: 'user'` (or `(p) => p.user`) it is the inverse of the target's owning
 * @OneToOne, and the property may be null.
 */
export function OneToOne<Target extends object>(
  target: () => EntityClass<Target>,
  options: InverseOneToOneOptions<Target>,
): ToOneDecorator<Target, { readonly mappedBy: string }>;
export function OneToOne<Target extends object, const O extends OneToOneOptions = {}>(target: () => EntityClass<Target>, options?: O): ToOneDecorator<Target, O>;
export function OneToOne(target: () => EntityClass, options?: OneToOneOptions | InverseOneToOneOptions<object>): unknown {
  const mappedBy = options && 'mappedBy' in options ? (options.mappedBy as string | ((t: any) => unknown)) : undefined;
  return relationDecorator('oneToOne', '@OneToOne', target, mappedBy, options);
}

/**
 * Many-to-many through a generated association table (`joinTable` names it and its columns)
 * or an explicit association entity (`via: () => PostTag`); the inverse side gives `mappedBy`.
 */
export function ManyToMany<Target extends object>(
  target: () => EntityClass<Target>,
  options?: ManyToManyOptions<Target>,
): ToManyDecorator<Target> {
  return relationDecorator('manyToMany', '@ManyToMany', target, options?.mappedBy as string | ((t: any) => unknown) | undefined, options) as ToManyDecorator<Target>;
}
