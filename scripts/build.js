#!/usr/bin/env node
// Compiles every package with SWC into dist/ (imports of @rocketnest/* rewritten to relative paths).
// Type checking is `npm run typecheck`; this build is only the fast transpile that `npm start` needs.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const swc = require.resolve('@swc/cli/bin/swc.js');
execFileSync(
  process.execPath,
  [swc, 'libs', 'broker-server', 'apps', 'samples', '-d', 'dist', '--config-file', '.swcrc', '--ignore', '**/*.spec.ts,**/*.e2e-spec.ts,**/__fixtures__/**', '--quiet', '--copy-files'],
  { cwd: root, stdio: 'inherit' },
);
