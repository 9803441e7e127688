import 'reflect-metadata';
import { AfterDelete, AfterInsert, AfterLoad, AfterUpdate, BeforeDelete, BeforeInsert, BeforeUpdate, Column, deleteFrom, Entity, PrimaryKey, Registry, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { useTestEngine } from '@athanor/testing';
import type { DialectContext, TestEngine } from '@athanor/testing';

/** Entities for the events, hooks and bulk-operation tests. */
export const registry = new Registry({ name: 'session-events-tests' });

/** Every hook call, in order: `event:name`. */
export const calls: string[] = [];

@Entity({ registry, table: 'hooked_users' })
export class HookedUser {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) email!: string;
  @Column({ length: 50, nullable: true, type: 'varchar' }) slug!: string | null;
  @Column({ type: 'integer', default: 0 }) edits!: number;
  loaded = false;

  @BeforeInsert() makeSlug(): void {
    calls.push(`beforeInsert:${this.email}`);
    this.slug = this.email.split('@')[0]!;
  }
  @AfterInsert() inserted(): void {
    calls.push(`afterInsert:${this.email}:${typeof this.id}`);
  }
  @BeforeUpdate() countEdit(): void {
    calls.push(`beforeUpdate:${this.email}`);
    this.edits = this.edits + 1;
  }
  @AfterUpdate() updated(): void {
    calls.push(`afterUpdate:${this.email}`);
  }
  @BeforeDelete() deleting(): void {
    calls.push(`beforeDelete:${this.email}`);
  }
  @AfterDelete() deletedHook(): void {
    calls.push(`afterDelete:${this.email}`);
  }
  @AfterLoad() onLoad(): void {
    this.loaded = true;
  }
}

@Entity({ registry, table: 'bulk_items' })
export class Item {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) code!: string;
  @Column({ type: 'integer', default: 0 }) qty!: number;
  @Column({ length: 50, nullable: true, type: 'varchar' }) note!: string | null;
}

/** Single-table inheritance for bulk operations: an abstract root, cars (and vans, a kind of car), bikes. */
@Entity({ registry, table: 'bulk_vehicles', discriminatorColumn: 'kind' })
export class Vehicle {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @Column({ type: 'integer', default: 0 }) wheels!: number;
}

@Entity({ registry, discriminatorValue: 'car' })
export class Car extends Vehicle {}

@Entity({ registry, discriminatorValue: 'van' })
export class Van extends Car {}

@Entity({ registry, discriminatorValue: 'bike' })
export class Bike extends Vehicle {}

/** A composite primary key, for bulk updates and upserts keyed by it. */
@Entity({ registry, table: 'bulk_stock' })
export class Stock {
  @PrimaryKey({ length: 10 }) site!: string;
  @PrimaryKey({ autoIncrement: false }) sku!: number;
  @Column({ type: 'integer', default: 0 }) qty!: number;
}

export const ENTITIES = [HookedUser, Item, Vehicle, Car, Van, Bike, Stock];

/** The block's engine with these tables; before each test the given entities' rows are deleted and the hook log cleared. */
export function useModel(ctx: DialectContext, ...emptied: (abstract new () => object)[]): TestEngine {
  return useTestEngine(ctx, {
    setUp: (engine) => engine.createAll(ENTITIES),
    reset: async (engine) => {
      for (const entity of emptied) await engine.execute(deleteFrom(table(entity) as AnyTable));
      calls.length = 0;
    },
  });
}
