#!/usr/bin/env -S node --max-semi-space-size=64
// The `service-ledger` command: runs the compiled CLI (npm run build creates dist/). The larger young generation
// (--max-semi-space-size, MiB) is for `start`'s projector: catch-up folds short-lived objects by the million.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  console.error('service-ledger is not built yet: run `npm run build` in ' + join(__dirname, '..'));
  process.exit(2);
}
require(main);
