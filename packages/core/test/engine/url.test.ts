import { ConfigurationError, canonicalScheme, parseUrl, redactUrl } from '@athanor/core';

describe('parseUrl', () => {
  it.each([
    ['sqlite::memory:', ':memory:'],
    ['sqlite:app.db', 'app.db'],
    ['sqlite:data/app.db', 'data/app.db'],
    ['sqlite://data/app.db', 'data/app.db'],
    ['sqlite:///tmp/app.db', '/tmp/app.db'],
    ['sqlite://:memory:', ':memory:'],
    ['sqlite:my%20db.sqlite', 'my db.sqlite'],
  ])('parses %s as SQLite database %s', (url, database) => {
    expect(parseUrl(url)).toEqual({ url, scheme: 'sqlite', database, options: {} });
  });

  it('keeps SQLite query options', () => {
    expect(parseUrl('sqlite:app.db?busy_timeout=100&journal_mode=DELETE')).toEqual({
      url: 'sqlite:app.db?busy_timeout=100&journal_mode=DELETE',
      scheme: 'sqlite',
      database: 'app.db',
      options: { busy_timeout: '100', journal_mode: 'DELETE' },
    });
  });

  it('parses a full PostgreSQL URL with encoded credentials', () => {
    const url = 'postgresql://app%40corp:p%2Fss%3Aw@db.example.com:6432/shop?sslmode=require&application_name=x';
    expect(parseUrl(url)).toEqual({
      url,
      scheme: 'postgres',
      host: 'db.example.com',
      port: 6432,
      user: 'app@corp',
      password: 'p/ss:w',
      database: 'shop',
      options: { sslmode: 'require', application_name: 'x' },
    });
  });

  it('parses MySQL and MariaDB URLs, each to its own scheme, leaving absent parts out', () => {
    expect(parseUrl('mariadb://root@127.0.0.1/app')).toEqual({
      url: 'mariadb://root@127.0.0.1/app',
      scheme: 'mariadb',
      host: '127.0.0.1',
      user: 'root',
      database: 'app',
      options: {},
    });
    expect(parseUrl('mysql://localhost:3307').database).toBe('');
    expect(parseUrl('mysql://localhost:3307').port).toBe(3307);
  });

  it('strips IPv6 brackets and decodes socket paths', () => {
    expect(parseUrl('postgres://u@[::1]:5432/db').host).toBe('::1');
    expect(parseUrl('postgres://u@%2Fvar%2Frun%2Fpostgresql/db').host).toBe('/var/run/postgresql');
  });

  it.each([
    ['', /URL is required/],
    ['app.db', /no scheme/],
    ['://x', /no scheme/],
    ['sqlite:', /no database file/],
    ['postgres:localhost/db', /expected 'postgres:\/\/user:password@host:port\/database'/],
    ['postgres://u:p@host:99999/db', /Invalid database URL/],
    ['postgres://host/a/b', /contains '\/'/],
  ])('rejects %j with a ConfigurationError', (url, message) => {
    expect(() => parseUrl(url)).toThrow(ConfigurationError);
    expect(() => parseUrl(url)).toThrow(message);
  });

  it('never echoes a password in an error', () => {
    expect(() => parseUrl('postgres://u:secret@host:99999/db')).toThrow(/u:\*\*\*@host/);
  });

  it('canonicalizes schemes and redacts passwords', () => {
    expect(['postgresql', 'PG', 'mariadb', 'sqlite3', 'cockroach'].map(canonicalScheme)).toEqual([
      'postgres',
      'postgres',
      'mariadb',
      'sqlite',
      'cockroach',
    ]);
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});
