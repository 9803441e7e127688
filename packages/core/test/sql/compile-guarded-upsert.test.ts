import { caseWhen, excluded, insert, integer, table, UnsupportedError, varchar } from '@athanor/core';
import { dialects, expectSql } from './fixtures';

/**
 * The two shapes of a guarded upsert, whose update must leave alone a conflicting row that
 * fails a condition on its stored values (the ORM's single-table subclass upsert guards on the
 * discriminator): a WHERE on the conflict's update where the dialect has one, else a CASE per
 * updated column keeping the stored value. The stored row's columns are qualified by the table
 * (unqualified, PostgreSQL finds them ambiguous with EXCLUDED's).
 */

const animals = table('animals', {
  id: integer().primaryKey(),
  name: varchar(30).notNull().unique(),
  legs: integer().notNull(),
  kind: varchar(20).notNull(),
});

const rows = [{ id: 1, name: 'rex', legs: 3, kind: 'dog' }];

describe('a guarded upsert compiles per dialect', () => {
  test('DO UPDATE … WHERE on the stored row on SQLite and PostgreSQL; MySQL, which has no WHERE there, refuses it', () => {
    const stmt = insert(animals).values(rows).onConflict(animals.id).doUpdate(['legs'], animals.kind.in(['dog', 'puppy']));
    expect(stmt.toSQL(dialects.sqlite).sql).toBe(
      'INSERT INTO "animals" ("id", "name", "legs", "kind") VALUES (?, ?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "legs" = EXCLUDED."legs" WHERE "animals"."kind" IN (?, ?)',
    );
    const pg = stmt.toSQL(dialects.postgres);
    expect(pg.sql).toBe('INSERT INTO "animals" ("id", "name", "legs", "kind") VALUES ($1, $2, $3, $4) ON CONFLICT ("id") DO UPDATE SET "legs" = EXCLUDED."legs" WHERE "animals"."kind" IN ($5, $6)');
    expect(pg.params).toEqual([1, 'rex', 3, 'dog', 'dog', 'puppy']);
    expect(() => stmt.toSQL(dialects.mysql)).toThrow(UnsupportedError);
    expect(() => stmt.toSQL(dialects.mysql)).toThrow(/caseWhen\(\)/);
  });

  test('a CASE per column keeps the stored value where the condition fails, on every dialect (MySQL: VALUES(col) for the proposed one)', () => {
    const guard = animals.kind.in(['dog', 'puppy']);
    const stmt = insert(animals)
      .values(rows)
      .onConflict(animals.id)
      .doUpdate({ legs: caseWhen(guard, excluded(animals.legs)).else(animals.legs), kind: caseWhen(guard, excluded(animals.kind)).else(animals.kind) });
    expectSql(
      stmt,
      {
        mysql:
          'INSERT INTO `animals` (`id`, `name`, `legs`, `kind`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE ' +
          '`legs` = CASE WHEN `animals`.`kind` IN (?, ?) THEN VALUES(`legs`) ELSE `animals`.`legs` END, ' +
          '`kind` = CASE WHEN `animals`.`kind` IN (?, ?) THEN VALUES(`kind`) ELSE `animals`.`kind` END',
        sqlite:
          'INSERT INTO "animals" ("id", "name", "legs", "kind") VALUES (?, ?, ?, ?) ON CONFLICT ("id") DO UPDATE SET ' +
          '"legs" = CASE WHEN "animals"."kind" IN (?, ?) THEN EXCLUDED."legs" ELSE "animals"."legs" END, ' +
          '"kind" = CASE WHEN "animals"."kind" IN (?, ?) THEN EXCLUDED."kind" ELSE "animals"."kind" END',
        postgres:
          'INSERT INTO "animals" ("id", "name", "legs", "kind") VALUES ($1, $2, $3, $4) ON CONFLICT ("id") DO UPDATE SET ' +
          '"legs" = CASE WHEN "animals"."kind" IN ($5, $6) THEN EXCLUDED."legs" ELSE "animals"."legs" END, ' +
          '"kind" = CASE WHEN "animals"."kind" IN ($7, $8) THEN EXCLUDED."kind" ELSE "animals"."kind" END',
      },
      { mysql: [1, 'rex', 3, 'dog', 'dog', 'puppy', 'dog', 'puppy'] },
    );
  });
});
