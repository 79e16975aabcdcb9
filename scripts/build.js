#!/usr/bin/env node
// Builds every app of nest-cli.json into dist/apps/<app>/main.js (rspack; type-checking is `npm run typecheck`).
const { execFileSync } = require('node:child_process');
const { projects } = require('../nest-cli.json');

const apps = Object.entries(projects).filter(([, p]) => p.type === 'application').map(([name]) => name);
const build = (app) => execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], { stdio: ['ignore', 'ignore', 'inherit'] });
for (const app of apps) {
  process.stdout.write(`building ${app}... `);
  try {
    build(app);
  } catch (error) {
    // The bundler process now and then dies of SIGABRT without a word (twice in ~20 builds on 2026-12-05, not
    // reproducible on demand): a build killed by a signal is tried once more. A compile error is not retried.
    if (!error.signal) throw error;
    process.stdout.write(`killed by ${error.signal}, building again... `);
    build(app);
  }
  process.stdout.write('done\n');
}
