#!/usr/bin/env node
// Builds every app of nest-cli.json into dist/apps/<app>/main.js (rspack; type-checking is `npm run typecheck`).
const { execFileSync } = require('node:child_process');
const { projects } = require('../nest-cli.json');

const apps = Object.entries(projects).filter(([, p]) => p.type === 'application').map(([name]) => name);
for (const app of apps) {
  process.stdout.write(`building ${app}... `);
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.stdout.write('done\n');
}
