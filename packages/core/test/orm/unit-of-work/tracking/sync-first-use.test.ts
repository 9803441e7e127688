import { Collection, Column, Entity, ManyToOne, OneToMany, OneToOne, PrimaryKey, Ref, Registry } from '@athanor/core';

/**
 * Relationship sync on classes no session has met yet: a registry of its own, so nothing
 * else in the process has installed these classes' accessors before the test runs.
 */
const registry = new Registry({ name: 'sync-first-use' });

@Entity({ registry, table: 'teams' })
class Team {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @OneToMany(() => Member, 'team') members = new Collection<Member>(this);
}

@Entity({ registry, table: 'members' })
class Member {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @ManyToOne(() => Team, { nullable: true }) team!: Ref<Team> | null;
  @OneToOne(() => Badge, { mappedBy: 'holder' }) badge!: Ref<Badge> | null;
}

@Entity({ registry, table: 'badges' })
class Badge {
  @PrimaryKey() id!: number;
  @OneToOne(() => Member, { nullable: true }) holder!: Ref<Member> | null;
}

describe('relationship sync before any session has met the classes', () => {
  test('child.parent = parent puts the child into the parent’s collection, though the child’s class was never used', () => {
    const early = new Member();
    const team = Object.assign(new Team(), { name: 'red' });
    const late = Object.assign(new Member(), { name: 'ann' });
    late.team = team as unknown as Ref<Team>;
    early.team = team as unknown as Ref<Team>;
    expect(team.members.getItems()).toEqual([late, early]);
    expect(late.team).toBeInstanceOf(Ref);
    expect(late.team!.get()).toBe(team);
    // Mapped values live in the accessors' storage, not as own properties.
    expect(Object.keys(late)).toEqual([]);
    expect(late.name).toBe('ann');
  });

  test('classes reached only through relationships of a used class are installed too (inverse one-to-one)', () => {
    void new Team(); // installs Team, Member, and Badge (reached through Member)
    const member = new Member();
    const badge = new Badge();
    member.badge = badge as unknown as Ref<Badge>;
    expect(badge.holder).toBeInstanceOf(Ref);
    expect(badge.holder!.get()).toBe(member);
  });
});
