#!/usr/bin/env node
// The `service-ledger` command: runs the compiled CLI (npm run build creates dist/).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  console.error('service-ledger is not built yet: run `npm run build` in ' + join(__dirname, '..'));
  process.exit(2);
}
require(main);
