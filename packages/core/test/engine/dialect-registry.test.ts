import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError, createEngine, registerDialect, registeredDialect, resolveDialect } from '@athanor/core';
import type { Dialect } from '@athanor/core';
import { sqliteDialect } from '@athanor/sqlite';
import { q, tempDir } from './helpers';

function fakePackage(root: string, name: string, source: string): void {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), source);
}

const ENGINE = resolve(__dirname, '../../src/engine/index.ts');
const SWC_REGISTER = require.resolve('@swc-node/register');

describe('dialect resolution', () => {
  const tmp = tempDir('athanor-registry-');
  afterAll(() => tmp.cleanup());

  it('finds dialects registered by their package (importing @athanor/sqlite registers sqlite)', () => {
    expect(registeredDialect('sqlite')).toBe(sqliteDialect);
    expect(registeredDialect('sqlite3')).toBe(sqliteDialect);
    expect(resolveDialect('sqlite', [tmp.dir])).toBe(sqliteDialect);
  });

  /**
   * Package resolution runs in a plain Node process: jest's require.resolve ignores `paths`
   * and applies the workspace's moduleNameMapper, which would hide exactly what is tested.
   */
  it('loads dialect packages from the application (cwd), naming the fix when they are missing or broken', () => {
    const app = join(tmp.dir, 'app');
    mkdirSync(app);
    fakePackage(
      app,
      '@athanor/mysql',
      `module.exports = { mysqlDialect: { name: 'fake-mysql', createDriver() {}, translateError(e) { return e; } } };`,
    );
    fakePackage(app, '@athanor/postgres', `throw new Error("Cannot find module 'pg'");`);
    const script = `
      const { resolveDialect, registeredDialect } = require(${JSON.stringify(ENGINE)});
      const out = {};
      const attempt = (key, fn) => { try { out[key] = fn(); } catch (e) { out[key] = e.name + ': ' + e.message; } };
      attempt('mysql', () => resolveDialect('mysql').name);
      attempt('registered', () => registeredDialect('mysql') && registeredDialect('mysql').name);
      attempt('postgres', () => resolveDialect('postgresql'));
      attempt('sqlite', () => resolveDialect('sqlite'));
      process.stdout.write(JSON.stringify(out));
    `;
    const stdout = execFileSync(process.execPath, ['-r', SWC_REGISTER, '-e', script], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '' },
    });
    const out = JSON.parse(stdout) as Record<string, string>;
    expect(out.mysql).toBe('fake-mysql');
    expect(out.registered).toBe('fake-mysql');
    expect(out.postgres).toMatch(
      /^ConfigurationError: @athanor\/postgres could not be loaded \(Cannot find module 'pg'\).*npm install @athanor\/postgres pg/,
    );
    expect(out.sqlite).toBe(
      "ConfigurationError: The 'sqlite' dialect is not installed: install @athanor/sqlite: " +
        'npm install @athanor/sqlite better-sqlite3',
    );
  });

  it('rejects unknown schemes, naming registerDialect and the dialect option', () => {
    expect(() => createEngine('cockroach://h/db')).toThrow(ConfigurationError);
    expect(() => createEngine('cockroach://h/db')).toThrow(/Unknown database URL scheme 'cockroach:'.*registerDialect/);
  });

  it('uses a dialect registered under a new scheme, and options.dialect over the registry', async () => {
    registerDialect(['embedded'], sqliteDialect as Dialect);
    const engine = createEngine('embedded://x/db', { pool: { size: 1 } });
    expect(engine.dialect).toBe(sqliteDialect);
    await engine.dispose();

    const explicit = createEngine('sqlite::memory:', { dialect: sqliteDialect });
    expect(await explicit.execute(q('select 41 + 1 as answer'))).toEqual([{ answer: 42 }]);
    await explicit.dispose();
  });
});
