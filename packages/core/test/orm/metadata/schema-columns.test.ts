import 'reflect-metadata';
import {
  Column, CreatedAt, Entity, Index, insert, PrimaryKey, Registry, select, sql, table, Unique, UpdatedAt, varchar, Version,
} from '@athanor/core';
import type { Engine } from '@athanor/core';
import { describeDialect, describeEachDialect, isolatedName } from '@athanor/testing';
import { column, hasIndex, introspect } from './introspect';
import type { TableInfo } from './introspect';

/** Every column decorator option, created on each dialect and read back from its catalog. */

const registry = new Registry({ name: 'columns' });

enum Level {
  Low = 'low',
  High = 'high',
}

let tokens = 0;

@Entity({ registry, table: 'accounts' })
class Account {
  @PrimaryKey() id!: number;
  @Column() username!: string;
  @Column({ length: 50, unique: true }) email!: string;
  @Column({ length: 40, unique: 'uq_accounts_handle_custom' }) handle!: string;
  @Column() age!: number;
  @Column({ type: 'integer', nullable: true }) score!: number | null;
  @Column() active!: boolean;
  @Column() lastSeen!: Date;
  @Column({ type: 'text', nullable: true }) bio!: string | null;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) balance!: string;
  @Column({ type: 'bigint' }) big!: bigint;
  @Column({ type: 'double', nullable: true }) ratio!: number | null;
  @Column({ type: 'json', nullable: true }) prefs!: { theme: string } | null;
  @Column({ enum: Level }) level!: Level;
  @Column({ enum: ['a', 'b'], default: 'a' }) grade!: 'a' | 'b';
  @Column({ type: 'date', nullable: true }) birthday!: string | null;
  @Column({ type: varchar(20), name: 'nick_name', index: true }) nickname!: string;
  @Column({ length: 60, index: 'ix_accounts_city_custom' }) city!: string;
  @Column({ default: 0 }) loginCount!: number;
  @Column({ default: () => `tok-${++tokens}` }) token!: string;
  @Column({ type: 'timestamp', serverDefault: sql`CURRENT_TIMESTAMP` }) joinedAt!: Date;
  @Column({ length: 20, serverDefault: sql`'basic'` }) plan!: string;
  @Column({ type: 'uuid', nullable: true }) externalId!: string | null;
  @Version() version!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

@Entity({ registry })
class UuidThing {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Column() name!: string;
}

@Entity({ registry })
class Country {
  @PrimaryKey({ length: 2 }) code!: string;
  @Column() name!: string;
}

@Entity({ registry })
class Membership {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey() userId!: number;
  @Column({ length: 20 }) role!: string;
}

@Entity({ registry })
class BigThing {
  @PrimaryKey({ type: 'bigint' }) id!: bigint;
}

@Entity({ registry })
@Index(['lastName', 'firstName'])
@Unique(['firstName', 'lastName', 'born'], { name: 'uq_person_identity' })
class Person {
  @PrimaryKey() id!: number;
  @Index() @Column({ length: 50 }) firstName!: string;
  @Column({ length: 50 }) lastName!: string;
  @Unique('uq_person_ssn') @Column({ length: 11 }) ssn!: string;
  @Index({ name: 'ix_person_born_custom' }) @Column({ type: 'date' }) born!: string;
}

/** A schema of its own (PostgreSQL): unique per run, dropped afterwards. */
const auditSchema = isolatedName();
const audit = new Registry({ name: 'audit' });

@Entity({ registry: audit, schema: auditSchema })
class AuditEntry {
  @PrimaryKey() id!: number;
  @Column({ length: 100 }) action!: string;
}

type PerDialect = Readonly<Record<'sqlite' | 'postgres' | 'mysql', string>>;
const same = (t: string): PerDialect => ({ sqlite: t, postgres: t, mysql: t });

const TYPES: Readonly<Record<string, PerDialect>> = {
  id: { sqlite: 'integer', postgres: 'integer', mysql: 'int' },
  username: same('varchar(255)'),
  email: same('varchar(50)'),
  age: { sqlite: 'integer', postgres: 'integer', mysql: 'int' },
  active: same('boolean'),
  last_seen: { sqlite: 'timestamp', postgres: 'timestamp', mysql: 'datetime(3)' },
  bio: { sqlite: 'text', postgres: 'text', mysql: 'longtext' },
  balance: { sqlite: 'numeric(10,2)', postgres: 'numeric(10,2)', mysql: 'decimal(10,2)' },
  big: same('bigint'),
  ratio: { sqlite: 'double', postgres: 'double', mysql: 'double' },
  prefs: { sqlite: 'text', postgres: 'jsonb', mysql: 'longtext' },
  level: { sqlite: 'text', postgres: 'text', mysql: "enum('low','high')" },
  birthday: same('date'),
  nick_name: same('varchar(20)'),
  external_id: { sqlite: 'char(36)', postgres: 'uuid', mysql: 'char(36)' },
  version: { sqlite: 'integer', postgres: 'integer', mysql: 'int' },
  created_at: { sqlite: 'timestamp', postgres: 'timestamp', mysql: 'datetime(3)' },
};

describeEachDialect('entity columns in the database', (ctx) => {
  let engine: Engine;
  let accounts: TableInfo;

  beforeAll(async () => {
    engine = ctx.createEngine();
    await engine.createAll(registry);
    accounts = await introspect(engine, ctx.name, 'accounts');
  });

  afterAll(() => engine.dropAll(registry));

  test('column names are snake_case by default, or as named', () => {
    expect(accounts.columns.map((c) => c.name)).toEqual([
      'id', 'username', 'email', 'handle', 'age', 'score', 'active', 'last_seen', 'bio', 'balance', 'big', 'ratio', 'prefs', 'level',
      'grade', 'birthday', 'nick_name', 'city', 'login_count', 'token', 'joined_at', 'plan', 'external_id', 'version', 'created_at', 'updated_at',
    ]);
  });

  test('types: inferred from design:type or given explicitly', () => {
    for (const [name, types] of Object.entries(TYPES)) expect([name, column(accounts, name).type]).toEqual([name, types[ctx.name]]);
  });

  test('nullability: NOT NULL unless nullable: true', () => {
    const nullable = accounts.columns.filter((c) => c.nullable).map((c) => c.name);
    expect(nullable.sort()).toEqual(['bio', 'birthday', 'external_id', 'prefs', 'ratio', 'score']);
  });

  test('server defaults are in the DDL; client defaults are not', () => {
    expect(column(accounts, 'joined_at').default).toMatch(/current_timestamp/i);
    expect(column(accounts, 'plan').default).toMatch(/basic/);
    expect(column(accounts, 'login_count').default).toBeNull();
    expect(column(accounts, 'token').default).toBeNull();
  });

  test('unique constraints and indexes, named by convention or explicitly', () => {
    expect(hasIndex(accounts, ['email'], true)).toBe(true);
    expect(hasIndex(accounts, ['handle'], true)).toBe(true);
    expect(hasIndex(accounts, ['nick_name'], false)).toBe(true);
    expect(hasIndex(accounts, ['city'], false)).toBe(true);
    expect(hasIndex(accounts, ['username'], false) || hasIndex(accounts, ['username'], true)).toBe(false);
    const names = accounts.indexes.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['ix_accounts_nick_name', 'ix_accounts_city_custom']));
    // SQLite names the index behind a UNIQUE constraint itself (sqlite_autoindex_…).
    if (ctx.name !== 'sqlite') expect(names).toEqual(expect.arrayContaining(['uq_accounts_email', 'uq_accounts_handle_custom']));
  });

  test('an integer primary key auto-increments', () => {
    expect(accounts.primaryKey).toEqual(['id']);
    expect(column(accounts, 'id').autoIncrement).toBe(true);
  });

  test('client defaults (values and per-row functions), the version and the timestamps fill inserted rows', async () => {
    const a = table(Account);
    const before = Date.now() - 1000;
    await engine.execute(
      insert(a).values([1, 2].map((n) => ({
        username: `u${n}`, email: `u${n}@x.io`, handle: `h${n}`, age: 30, score: null, active: true, lastSeen: new Date(), bio: null,
        balance: '12.50', big: 9007199254740993n, ratio: null, prefs: { theme: 'dark' }, level: Level.High, birthday: '2000-02-29',
        nickname: `nick${n}`, city: 'Paris', externalId: null,
      }))),
    );
    const rows = await engine.execute(select(a).orderBy(a.id));
    expect(rows.map((r) => [r.loginCount, r.grade, r.version, r.plan])).toEqual([[0, 'a', 1, 'basic'], [0, 'a', 1, 'basic']]);
    expect(rows[0]!.token).not.toEqual(rows[1]!.token);
    expect(rows[0]!.token).toMatch(/^tok-\d+$/);
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
    expect(rows[0]!.createdAt.getTime()).toBeGreaterThan(before);
    expect(rows[0]!.updatedAt).toBeInstanceOf(Date);
    expect(rows[0]!.joinedAt).toBeInstanceOf(Date);
    expect(rows[0]!.big).toBe(9007199254740993n);
    expect(rows[0]!.prefs).toEqual({ theme: 'dark' });
    expect(rows[0]!.level).toBe('high');
  });

  test('a uuid primary key: native uuid where there is one, a random value per row', async () => {
    const info = await introspect(engine, ctx.name, 'uuid_thing');
    expect(column(info, 'id').type).toBe(ctx.name === 'postgres' ? 'uuid' : 'char(36)');
    expect(column(info, 'id').autoIncrement).toBe(false);
    const t = table(UuidThing);
    await engine.execute(insert(t).values([{ name: 'a' }, { name: 'b' }]));
    const ids = (await engine.execute(select(t))).map((r) => r.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toEqual(ids[1]);
  });

  test('a string primary key is not generated', async () => {
    const info = await introspect(engine, ctx.name, 'country');
    expect(info.primaryKey).toEqual(['code']);
    expect(column(info, 'code')).toMatchObject({ type: 'varchar(2)', autoIncrement: false, nullable: false });
    expect(registry.get(Country).primaryKey.map((c) => c.autoIncrement)).toEqual([false]);
  });

  test('a composite primary key', async () => {
    const info = await introspect(engine, ctx.name, 'membership');
    expect(info.primaryKey).toEqual(['tenant_id', 'user_id']);
    expect(info.columns.some((c) => c.autoIncrement)).toBe(false);
    expect(registry.get(Membership).primaryKey.map((c) => c.name)).toEqual(['tenantId', 'userId']);
  });

  test('a bigint primary key auto-increments', async () => {
    const info = await introspect(engine, ctx.name, 'big_thing');
    // SQLite's auto-incrementing key is the 64-bit rowid, declared INTEGER.
    expect(column(info, 'id')).toMatchObject({ type: ctx.name === 'sqlite' ? 'integer' : 'bigint', autoIncrement: true });
    expect(registry.get(BigThing).primaryKey[0]!.autoIncrement).toBe(true);
  });

  test('@Index and @Unique on properties and on the class (composite)', async () => {
    const info = await introspect(engine, ctx.name, 'person');
    expect(hasIndex(info, ['first_name'], false)).toBe(true);
    expect(hasIndex(info, ['ssn'], true)).toBe(true);
    expect(hasIndex(info, ['born'], false)).toBe(true);
    expect(hasIndex(info, ['last_name', 'first_name'], false)).toBe(true);
    expect(hasIndex(info, ['first_name', 'last_name', 'born'], true)).toBe(true);
    const names = info.indexes.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['ix_person_first_name', 'ix_person_born_custom', 'ix_person_last_name_first_name']));
    if (ctx.name !== 'sqlite') expect(names).toEqual(expect.arrayContaining(['uq_person_ssn', 'uq_person_identity']));
  });
});

describeDialect('postgres', 'an entity in a schema of its own', (ctx) => {
  let engine: Engine;
  beforeAll(() => {
    engine = ctx.createEngine();
  });
  afterAll(async () => {
    await engine.execute(sql`DROP SCHEMA IF EXISTS ${sql.identifier(auditSchema)} CASCADE`);
  });

  test('createAll creates the schema and the table in it', async () => {
    await engine.createAll(audit);
    const info = await introspect(engine, ctx.name, 'audit_entry', auditSchema);
    expect(info.columns.map((c) => c.name)).toEqual(['id', 'action']);
    await engine.execute(insert(table(AuditEntry)).values({ action: 'login' }));
    expect(await engine.execute(select(table(AuditEntry)))).toEqual([{ id: 1, action: 'login' }]);
    await engine.dropAll(audit);
    expect((await introspect(engine, ctx.name, 'audit_entry', auditSchema)).columns).toEqual([]);
  });
});
