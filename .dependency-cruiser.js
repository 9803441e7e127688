/**
 * The layering rules of DESIGN.md, checked in CI: sql ← engine ← orm inside core, dialect
 * packages depend on core and never the reverse, and no import cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Type-only cycles vanish at run time; value imports must form no cycle.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'sql-knows-no-engine-or-orm',
      comment: 'Core SQL is the bottom layer: it builds and compiles statements, nothing more.',
      severity: 'error',
      from: { path: '^packages/core/src/sql/' },
      to: { path: '^packages/core/src/(engine|orm)/' },
    },
    {
      name: 'engine-knows-no-orm',
      severity: 'error',
      from: { path: '^packages/core/src/engine/' },
      to: { path: '^packages/core/src/orm/' },
    },
    {
      name: 'core-imports-no-dialect-package',
      comment: 'Dialect packages depend on core; core loads them by name at run time only.',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: '^packages/(sqlite|postgres|mysql|testing)/' },
    },
    {
      name: 'dialects-stay-apart',
      severity: 'error',
      from: { path: '^packages/(sqlite|postgres|mysql)/src/' },
      to: { path: '^packages/(sqlite|postgres|mysql)/src/', pathNot: '^packages/$1/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|test)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
