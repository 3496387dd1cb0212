// Runs a TypeScript file of this repository from sources (SWC, @service-ledger/* paths), as the projector thread's tests do.
const { join, resolve } = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
const root = join(__dirname, '../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@service-ledger\/(.+)$/.exec(request);
  if (alias) request = alias[1] === 'dashboards' ? root + '/dashboards/src' : root + '/libs/' + alias[1] + '/src';
  return resolveFilename.call(this, request, ...rest);
};
require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'), {
  filename, jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' } }).code, filename);
const file = resolve(process.argv[2]);
process.argv.splice(1, 1);
require(file);
