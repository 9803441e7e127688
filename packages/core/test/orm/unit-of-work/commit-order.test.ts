import 'reflect-metadata';
import { Column, Entity, ManyToOne, MappingError, PrimaryKey, Registry } from '@athanor/core';
import type { Ref } from '@athanor/core';
import type { FlushStep } from '../../../src/orm/unit-of-work/change-set';
import { commitOrder } from '../../../src/orm/unit-of-work/commit-order';
import { changeSet, deleted, inserted, link, loaded, make, to, updated } from './helpers';
import { Category, Comment, Department, Employee, Person, Post, Tag, User } from './model';

/** The commit order alone: no database. Steps are shown as `kind Entity [rows]`. */

function show(steps: readonly FlushStep[], name: (o: object) => string): string[] {
  return steps.map((s) => {
    if (s.kind === 'associations') return `associations ${s.relation.name} [${s.changes.map((c) => `${c.kind} ${name(c.owner)}-${name(c.target)}`).join(', ')}]`;
    const rows = s.changes.map((c) => name(c.instance) + ('nullify' in c && c.nullify ? ' := NULL' : ''));
    const extra = s.kind === 'insert' && s.deferred ? ` deferred ${s.deferred.map((d) => `${name(d.instance)}.${d.relation.name}`).join(', ')}` : '';
    const what = s.kind === 'postUpdate' ? `${s.meta.name}.${s.changes[0]!.relation.name}` : s.meta.name;
    return `${s.kind} ${what} [${rows.join(', ')}]${extra}`;
  });
}

const label = (o: object): string => {
  const { name, title, body } = o as { name?: string; title?: string; body?: string };
  return name ?? title ?? body ?? '?';
};

describe('commit order: inserts', () => {
  test('parents before children, whatever order they were added in', () => {
    const ann = make(User, { name: 'ann' });
    const p1 = make(Post, { title: 'p1', author: to(ann) });
    const p2 = make(Post, { title: 'p2', author: to(ann) });
    expect(show(commitOrder(changeSet({ inserts: inserted(p1, p2, ann) })), label)).toEqual(['insert User [ann]', 'insert Post [p1, p2]']);
  });

  test('a deep chain: users, then posts, then comments', () => {
    const ann = make(User, { name: 'ann' });
    const p = make(Post, { title: 'p', author: to(ann) });
    const c1 = make(Comment, { body: 'c1', post: to(p) });
    const c2 = make(Comment, { body: 'c2', post: to(p) });
    const steps = commitOrder(changeSet({ inserts: inserted(c1, p, c2, ann) }));
    expect(show(steps, label)).toEqual(['insert User [ann]', 'insert Post [p]', 'insert Comment [c1, c2]']);
  });

  test('a child of a row already in the database depends on nothing in the flush', () => {
    const bob = loaded(User, { id: 7, name: 'bob', age: null, version: 1 });
    const p = make(Post, { title: 'p', author: to(bob) });
    const c = make(Comment, { body: 'c', post: to(p) });
    expect(show(commitOrder(changeSet({ inserts: inserted(c, p) })), label)).toEqual(['insert Post [p]', 'insert Comment [c]']);
  });

  test('a self-referencing tree goes in by levels: roots, children, grandchildren', () => {
    const root = make(Category, { name: 'root', parent: null });
    const a = make(Category, { name: 'a', parent: to(root) });
    const b = make(Category, { name: 'b', parent: to(root) });
    const a1 = make(Category, { name: 'a1', parent: to(a) });
    const a2 = make(Category, { name: 'a2', parent: to(a) });
    const other = make(Category, { name: 'other', parent: null });
    const steps = commitOrder(changeSet({ inserts: inserted(a2, a1, b, a, root, other) }));
    expect(show(steps, label)).toEqual(['insert Category [root, other]', 'insert Category [b, a]', 'insert Category [a2, a1]']);
  });

  test('a chain of 20,000 self-referencing rows is ordered without exhausting the stack', () => {
    const rows: Employee[] = [];
    for (let i = 0; i < 20_000; i++) rows.push(make(Employee, { name: `e${i}`, manager: i === 0 ? null : to(rows[i - 1]!) }));
    const steps = commitOrder(changeSet({ inserts: inserted(...[...rows].reverse()) }));
    expect(steps).toHaveLength(20_000);
    expect(steps.map((s) => ((s.changes[0] as { instance: Employee }).instance).name).slice(0, 3)).toEqual(['e0', 'e1', 'e2']);
  });

  test('two new rows pointing at each other through a nullable self-reference: one goes in with NULL, set afterwards', () => {
    const x = make(Employee, { name: 'x' });
    const y = make(Employee, { name: 'y', manager: to(x) });
    x.manager = to(y);
    expect(show(commitOrder(changeSet({ inserts: inserted(x, y) })), label)).toEqual([
      'insert Employee [y] deferred y.manager',
      'insert Employee [x]',
      'postUpdate Employee.manager [y]',
    ]);
  });

  test('a cycle between entities is broken on the nullable side: inserted with NULL, post-updated after both inserts', () => {
    const sales = make(Department, { name: 'sales' });
    const ann = make(Person, { name: 'ann', department: to(sales) });
    const bob = make(Person, { name: 'bob', department: to(sales) });
    sales.head = to(ann);
    const steps = commitOrder(changeSet({ inserts: inserted(ann, bob, sales) }));
    expect(show(steps, label)).toEqual(['insert Department [sales] deferred sales.head', 'insert Person [ann, bob]', 'postUpdate Department.head [sales]']);
  });

  test('a department whose head already exists needs no post-update', () => {
    const old = loaded(Person, { id: 1, name: 'old', departmentId: 9 });
    const sales = make(Department, { name: 'sales', head: to(old) });
    const ann = make(Person, { name: 'ann', department: to(sales) });
    expect(show(commitOrder(changeSet({ inserts: inserted(ann, sales) })), label)).toEqual(['insert Department [sales]', 'insert Person [ann]']);
  });

  test('a cycle through foreign keys that cannot be NULL is a MappingError naming them', () => {
    const local = new Registry({ name: 'uow-cycle' });
    @Entity({ registry: local })
    class Egg {
      @PrimaryKey() id!: number;
      @Column() name!: string;
      @ManyToOne(() => Hen) hen!: Ref<Hen>;
    }
    @Entity({ registry: local })
    class Hen {
      @PrimaryKey() id!: number;
      @Column() name!: string;
      @ManyToOne(() => Egg) egg!: Ref<Egg>;
    }
    const egg = make(Egg, { name: 'egg' });
    const hen = make(Hen, { name: 'hen', egg: to(egg) });
    egg.hen = to(hen);
    expect(() => commitOrder(changeSet({ inserts: inserted(egg, hen) }))).toThrow(MappingError);
    expect(() => commitOrder(changeSet({ inserts: inserted(egg, hen) }))).toThrow(/Egg\.hen → Hen.*Hen\.egg → Egg.*nullable/);
  });
});

describe('commit order: deletes, updates, many-to-many', () => {
  test('deletes go children first, from the foreign keys the rows hold in the database', () => {
    const ann = loaded(User, { id: 1, name: 'ann', version: 1 });
    const p = loaded(Post, { id: 10, title: 'p', authorId: 1 });
    const c = loaded(Comment, { id: 100, body: 'c', postId: 10 });
    // In memory the post points elsewhere; the database row still points at ann.
    p.author = to(loaded(User, { id: 2, name: 'bob', version: 1 }));
    expect(show(commitOrder(changeSet({ deletes: deleted(ann, p, c) })), label)).toEqual(['delete Comment [c]', 'delete Post [p]', 'delete User [ann]']);
  });

  test('a deleted subtree: deepest rows first', () => {
    const root = loaded(Category, { id: 1, name: 'root', parentId: null });
    const a = loaded(Category, { id: 2, name: 'a', parentId: 1 });
    const a1 = loaded(Category, { id: 3, name: 'a1', parentId: 2 });
    const b = loaded(Category, { id: 4, name: 'b', parentId: 1 });
    expect(show(commitOrder(changeSet({ deletes: deleted(root, a, a1, b) })), label)).toEqual([
      'delete Category [a1]',
      'delete Category [a, b]',
      'delete Category [root]',
    ]);
  });

  test('deleting both sides of a cycle: the nullable foreign key is cleared first', () => {
    const sales = loaded(Department, { id: 1, name: 'sales', headId: 5 });
    const ann = loaded(Person, { id: 5, name: 'ann', departmentId: 1 });
    expect(show(commitOrder(changeSet({ deletes: deleted(sales, ann) })), label)).toEqual([
      'postUpdate Department.head [sales := NULL]',
      'delete Person [ann]',
      'delete Department [sales]',
    ]);
  });

  test('a whole flush: inserts, post-updates, updates, many-to-many (unlinks first), cleared keys, deletes', () => {
    const ann = loaded(User, { id: 1, name: 'ann', version: 1 });
    ann.age = 30;
    const news = loaded(Tag, { id: 1, name: 'news' });
    const old = loaded(Post, { id: 9, title: 'old', authorId: 1 });
    const fresh = make(Post, { title: 'fresh', author: to(ann) });
    const tech = make(Tag, { name: 'tech' });
    const sales = make(Department, { name: 'sales' });
    const head = make(Person, { name: 'head', department: to(sales) });
    sales.head = to(head);
    const gone = loaded(Department, { id: 3, name: 'gone', headId: 8 });
    const goneHead = loaded(Person, { id: 8, name: 'goneHead', departmentId: 3 });
    const steps = commitOrder(
      changeSet({
        inserts: inserted(fresh, tech, head, sales),
        updates: [updated(ann, 'age')],
        deletes: deleted(old, gone, goneHead),
        associations: [link(fresh, 'tags', tech), link(old, 'tags', news, 'unlink'), link(tech, 'posts', old, 'unlink')],
      }),
    );
    expect(show(steps, label)).toEqual([
      'insert Post [fresh]',
      'insert Tag [tech]',
      'insert Department [sales] deferred sales.head',
      'insert Person [head]',
      'postUpdate Department.head [sales]',
      'update User [ann]',
      'associations tags [unlink old-news, unlink tech-old, link fresh-tech]',
      'postUpdate Department.head [gone := NULL]',
      'delete Person [goneHead]',
      'delete Department [gone]',
      'delete Post [old]',
    ]);
  });

  test('updates are grouped per entity in the order they came', () => {
    const ann = loaded(User, { id: 1, name: 'ann', version: 1 });
    const bob = loaded(User, { id: 2, name: 'bob', version: 1 });
    const p = loaded(Post, { id: 9, title: 'p', authorId: 1 });
    const steps = commitOrder(changeSet({ updates: [updated(ann, 'age'), updated(p, 'title'), updated(bob, 'name')] }));
    expect(show(steps, label)).toEqual(['update User [ann, bob]', 'update Post [p]']);
  });

  test('an empty change set is an empty plan', () => {
    expect(commitOrder(changeSet({}))).toEqual([]);
  });
});
