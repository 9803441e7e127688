import type { IndexOptions } from './decorator-options';
import { recordIndex } from './decorator-records';

/**
 * `@Index()` / `@Unique()` on a property (a column, or a to-one relationship: its foreign key),
 * or `@Index(['lastName', 'firstName'])` / `@Unique(['author', 'slug'])` on the class for a
 * composite one. A string or `{ name }` names it.
 */

type ClassWith<P extends string> = abstract new (...args: any[]) => { [K in P]: unknown };

/** Class-level: the listed properties must exist on the class (checked at compile time for public ones). */
export type CompositeDecorator<P extends string> = <C extends abstract new (...args: any[]) => object>(
  target: C extends ClassWith<P> ? C : `unknown property in the list: ${Exclude<P, keyof InstanceType<C>> & string}`,
) => void;

export type PropertyIndexDecorator = (target: object, propertyKey: string) => void;

function decorate(unique: boolean, decorator: string, arg: string | IndexOptions | readonly string[] | undefined, options: IndexOptions | undefined) {
  return (target: object, key?: string | symbol): void => {
    if (Array.isArray(arg)) {
      const properties = arg as readonly string[];
      recordIndex(target, { properties: [...properties], name: options?.name, unique, declaredAt: `${decorator}([${properties.join(', ')}]) on the class` });
      return;
    }
    const name = typeof arg === 'string' ? arg : (arg as IndexOptions | undefined)?.name;
    if (typeof key !== 'string') {
      throw new TypeError(`${decorator}: on a class, list the properties: ${decorator}(['a', 'b']); on a property, write ${decorator}().`);
    }
    recordIndex(target, { properties: [key], name, unique, declaredAt: `${decorator} on ${key}` });
  };
}

export function Index<const P extends string>(properties: readonly P[], options?: IndexOptions): CompositeDecorator<P>;
export function Index(nameOrOptions?: string | IndexOptions): PropertyIndexDecorator;
export function Index(arg?: string | IndexOptions | readonly string[], options?: IndexOptions): unknown {
  return decorate(false, '@Index', arg, options);
}

export function Unique<const P extends string>(properties: readonly P[], options?: IndexOptions): CompositeDecorator<P>;
export function Unique(nameOrOptions?: string | IndexOptions): PropertyIndexDecorator;
export function Unique(arg?: string | IndexOptions | readonly string[], options?: IndexOptions): unknown {
  return decorate(true, '@Unique', arg, options);
}
