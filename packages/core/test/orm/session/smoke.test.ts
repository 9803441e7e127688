import '@athanor/sqlite';
import { createEngine } from '@athanor/core';
import { Animal, Cat, Dog, Membership, Post, Puppy, seed, User } from './model';

test('smoke', async () => {
  const engine = createEngine('sqlite::memory:');
  await seed(engine);
  const s = engine.session();
  const u = await s.get(User, 1);
  console.log(u, u instanceof User, u?.greet(), await s.get(User, 1) === u);
  const posts = await s.find(Post, { where: { author: { username: 'ann' } }, orderBy: { views: 'desc' } });
  console.log(posts.map((p) => [p.id, p.title, p.author.id]));
  console.log(await s.count(User, { age: { gt: 20 } }), await s.exists(User, { username: 'zzz' }));
  console.log(await s.find(User, { where: { posts: { title: { like: 'Bob%' } } } }));
  console.log(await s.find(Animal, { orderBy: { id: 'asc' } }));
  console.log(await s.find(Dog, {}));
  console.log(await s.get(Membership, { orgId: 1, member: 'ann' }));
  console.log(await s.find(Post, { where: { tags: { name: 'tech' } } }));
  await engine.dispose();
});
