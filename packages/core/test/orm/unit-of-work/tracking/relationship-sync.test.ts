import { Collection, InvalidArgumentError, NotLoadedError, ref, Ref } from '@athanor/core';
import { Member, Post, Tag, Team, User } from '../model';

/** Both sides of a relationship in memory, without a session: back-population both ways. */

function author(name: string): User {
  return Object.assign(new User(), { name });
}
function post(title: string): Post {
  return Object.assign(new Post(), { title });
}

describe('relationship sync', () => {
  test('post.author = user adds the post to user.posts (loaded) and moves it from the previous author', () => {
    const ann = author('ann');
    const bob = author('bob');
    const p = post('p');
    p.author = ann as never;
    expect(p.author).toBeInstanceOf(Ref);
    expect(p.author.get()).toBe(ann);
    expect(ann.posts.getItems()).toEqual([p]);
    p.author = ref(bob);
    expect(ann.posts.getItems()).toEqual([]);
    expect(bob.posts.getItems()).toEqual([p]);
    p.author = null as never;
    expect(bob.posts.getItems()).toEqual([]);
    expect(p.author).toBeNull();
  });

  test('user.posts.add(post) sets post.author; remove() clears it; set() adds and removes the difference', () => {
    const ann = author('ann');
    const [a, b, c] = [post('a'), post('b'), post('c')];
    ann.posts.add(a, b);
    expect(a.author.get()).toBe(ann);
    expect(b.author.get()).toBe(ann);
    ann.posts.add(a);
    expect(ann.posts.length).toBe(2);
    ann.posts.remove(a);
    expect(a.author).toBeNull();
    expect(ann.posts.getItems()).toEqual([b]);
    ann.posts.set([c, b]);
    expect(ann.posts.getItems()).toEqual([c, b]);
    expect(c.author.get()).toBe(ann);
    expect(ann.posts.contains(c)).toBe(true);
    // Moving a post to another author's collection takes it out of the first.
    const bob = author('bob');
    bob.posts.add(b);
    expect(ann.posts.getItems()).toEqual([c]);
    expect(b.author.get()).toBe(bob);
  });

  test('a new child added to a new parent points at it (with its key when set); a child that had a parent moves', () => {
    const ann = Object.assign(author('ann'), { id: 7 });
    const p = post('p');
    ann.posts.add(p);
    expect(p.author.get()).toBe(ann);
    expect(p.author.id).toBe(7);
    const bob = author('bob');
    bob.posts.add(p);
    expect(p.author.get()).toBe(bob);
    expect(p.author.id).toBeUndefined();
    expect(ann.posts.getItems()).toEqual([]);
    expect(bob.posts.getItems()).toEqual([p]);
  });

  test('many-to-many: adding on one side adds on the other (when loaded); removing too', () => {
    const p = post('p');
    const t = Object.assign(new Tag(), { name: 't' });
    p.tags.add(t);
    expect(t.posts.getItems()).toEqual([p]);
    t.posts.remove(p);
    expect(p.tags.getItems()).toEqual([]);
    t.posts.add(p);
    expect(p.tags.getItems()).toEqual([t]);
  });

  test('an unloaded many-to-many collection refuses add (load it first); an unloaded one-to-many accepts it (only the key changes)', () => {
    const p = post('p');
    const unloadedTags = Collection.unloaded<Tag>(p, 'tags');
    (p as unknown as { tags: Collection<Tag> }).tags = unloadedTags;
    expect(() => p.tags.add(Object.assign(new Tag(), { name: 'x' }))).toThrow(NotLoadedError);
    const team = Object.assign(new Team(), { name: 'red' });
    (team as unknown as { members: Collection<Member> }).members = Collection.unloaded<Member>(team, 'members');
    const m = Object.assign(new Member(), { name: 'm' });
    team.members.add(m);
    expect(m.team!.get()).toBe(team);
    expect(team.members.isLoaded).toBe(false);
  });

  test('wrong targets are refused with the relationship named', () => {
    const p = post('p');
    expect(() => {
      p.author = Object.assign(new Tag(), { name: 'x' }) as never;
    }).toThrow(InvalidArgumentError);
    expect(() => {
      p.author = ref(Tag, 1) as never;
    }).toThrow(/Post\.author is a relationship to User; got a Ref to Tag/);
    expect(() => author('a').posts.add(new Tag() as never)).toThrow(/User\.posts holds Post entities; got Tag/);
  });

  test('a Ref held by one relationship is copied when assigned to another', () => {
    const ann = author('ann');
    const a = post('a');
    const b = post('b');
    a.author = ref(ann);
    b.author = a.author;
    expect(b.author).not.toBe(a.author);
    expect(b.author.get()).toBe(ann);
    expect(ann.posts.getItems()).toEqual([a, b]);
  });
});
