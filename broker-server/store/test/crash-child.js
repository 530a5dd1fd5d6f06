// Child process of the crash test: runs crash-child-main.ts with TypeScript transpiled on the fly by @swc/core (a
// dev dependency), resolving @rocketnest/* aliases like the tsconfig paths. Plain JS so it needs no loader installed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const aliases = {
  common: 'libs/common/src/index.ts',
  remoting: 'libs/remoting/src/index.ts',
  store: 'broker-server/store/src/index.ts',
};
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const m = /^@rocketnest\/([a-z]+)$/.exec(request);
  if (m && aliases[m[1]]) request = path.join(root, aliases[m[1]]);
  return originalResolve.call(this, request, ...rest);
};
require.extensions['.ts'] = function compile(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require('./crash-child-main.ts');
