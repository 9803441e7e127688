/**
 * Run by gc-survival.test.ts in a child process (`--expose-gc --trace-deopt`): the same
 * request, repeated, with two full collections between repetitions, as in a server idle
 * between requests. Prints `round N` before each repetition; the test reads V8's trace.
 * Arguments: the number of rounds, and an engine URL (default: an in-memory SQLite database;
 * on a server database its tables are dropped and created).
 */
import 'reflect-metadata';
import { Collection, Column, createEngine, Entity, ManyToOne, OneToMany, PrimaryKey, Registry, select, table } from '../../src/index';
import type { Engine, Ref } from '../../src/index';
import '../../../sqlite/src/index';
import '../../../postgres/src/index';
import '../../../mysql/src/index';

const registry = new Registry({ name: 'gc-survival' });

@Entity({ registry, table: 'authors' })
class Author {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @OneToMany(() => Book, 'author') books = new Collection<Book>(this);
}

@Entity({ registry, table: 'books' })
class Book {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Author) author!: Ref<Author>;
  @Column({ length: 100 }) title!: string;
  @Column({ type: 'integer' }) pages!: number;
}

const authors = table(Author);
const AUTHORS = 300;

async function request(engine: Engine, round: number): Promise<void> {
  const write = engine.session();
  const made: Author[] = [];
  for (let i = 0; i < AUTHORS; i++) {
    const author = Object.assign(new Author(), { name: `a${round}-${i}` });
    for (let j = 0; j < 4; j++) author.books.add(Object.assign(new Book(), { title: `b${round}-${i}-${j}`, pages: j }));
    made.push(author);
  }
  write.addAll(made);
  await write.commit();
  await write.close();

  const read = engine.session();
  const loaded = await read.find(Author, { where: { name: { like: `a${round}-%` } }, load: { books: 'selectin' } });
  for (const author of loaded) for (const book of author.books) book.pages = book.pages + 1;
  await read.commit();
  await read.close();

  for (const author of made) await engine.execute(select(authors).where(authors.id.eq(author.id)));
}

async function main(): Promise<void> {
  const engine = createEngine(process.argv[3] ?? 'sqlite::memory:');
  await engine.dropAll(registry).catch(() => undefined);
  await engine.createAll(registry);
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let round = 0; round < Number(process.argv[2] ?? 8); round++) {
    console.log(`round ${round}`);
    await request(engine, round);
    for (let i = 0; i < 2; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  await engine.dispose();
}

void main();
