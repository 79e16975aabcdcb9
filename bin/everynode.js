#!/usr/bin/env node
// `npx everynode …` from the repository: runs the built CLI (npm start and npm run build make it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('everynode is not built yet: run `npm run build` (npm start does it too).');
  process.exit(1);
}
require(main);
