import { Engine } from '../../engine/engine';
import { createSchema, dropSchema } from './schema';
import type { CreateSchemaOptions, DropSchemaOptions, SchemaSource } from './schema';

/**
 * `engine.createAll(...)` / `engine.dropAll(...)`: the engine layer knows nothing of entities,
 * so the ORM adds these methods to the Engine class here (types by module augmentation).
 */
declare module '../../engine/engine' {
  interface Engine {
    /** Create the tables of entity classes, or of a whole registry (default: the default registry). */
    createAll(source?: SchemaSource, options?: CreateSchemaOptions): Promise<void>;
    /** Drop the tables of entity classes, or of a whole registry (default: the default registry). */
    dropAll(source?: SchemaSource, options?: DropSchemaOptions): Promise<void>;
  }
}

Engine.prototype.createAll = function createAll(this: Engine, source?: SchemaSource, options?: CreateSchemaOptions): Promise<void> {
  return createSchema(this, source, options);
};

Engine.prototype.dropAll = function dropAll(this: Engine, source?: SchemaSource, options?: DropSchemaOptions): Promise<void> {
  return dropSchema(this, source, options);
};
