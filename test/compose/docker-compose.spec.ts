// No Docker engine runs here, so this holds docker-compose.yml and the Dockerfile against the code:
// every app has a service that runs its built entry point, every variable set is one the code reads,
// health checks hit endpoints and ports that exist, and the images are pinned.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const nestCli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8'));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const SERVED_APPS = Object.entries(nestCli.projects as Record<string, { type: string }>)
  .filter(([name, p]) => p.type === 'application' && name !== 'cli')
  .map(([name]) => name);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'test' || f === 'fixtures' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}
/** Every `env.X` / `process.env.X` / `env[\`…\`]` the services read. */
const VARIABLES_READ = new Set(
  [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))].flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\benv,\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]),
  ),
);
// Port variables are computed from the service name (portVariable in service-config.ts).
const portVariable = (app: string) => `${app.toUpperCase().replace(/-/g, '_')}_PORT`;

describe('docker-compose.yml', () => {
  it.each(SERVED_APPS)('has a service for %s that runs its built entry point from the one image', (app) => {
    const svc = compose.services[app];
    expect(svc).toBeDefined();
    expect(svc.build).toBe('.');
    expect(svc.command).toEqual(['node', `dist/apps/${app}/main.js`]);
    expect(nestCli.projects[app].entryFile).toBe('main');
  });

  it.each(SERVED_APPS)('sets only variables that %s reads, and its port variable', (app) => {
    const env = compose.services[app].environment as Record<string, string>;
    for (const name of Object.keys(env)) {
      expect([name, VARIABLES_READ.has(name) || name === portVariable(app)]).toEqual([name, true]);
    }
    expect(env[portVariable(app)]).toBeDefined();
    expect(new URL(env.DATABASE_URL ?? 'postgres://postgres@postgres:5432/everynode').hostname).toBe('postgres');
    expect(new URL(env.NATS_URL).hostname).toBe('nats');
  });

  it.each(SERVED_APPS)('health-checks %s on its own port at an endpoint the services serve', (app) => {
    const svc = compose.services[app];
    const port = svc.environment[portVariable(app)];
    const check = svc.healthcheck.test.join(' ');
    const m = check.match(/https?:\/\/127\.0\.0\.1:(\d+)(\/[a-z]+)/) ?? check.match(/host:'127\.0\.0\.1',port:(\d+),path:'(\/[a-z]+)'/);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(port);
    const ops = readFileSync(join(ROOT, 'libs/platform/src/ops/ops.controller.ts'), 'utf8');
    expect(ops).toContain(`@Get('${m![2].slice(1)}')`); // the gateway serves the same OpsController
    expect(svc.ports).toContain(`${port}:${port}`);
    for (const dep of Object.keys(svc.depends_on)) {
      expect(compose.services[dep]).toBeDefined();
      expect(svc.depends_on[dep].condition).toBe('service_healthy');
      expect(compose.services[dep].healthcheck).toBeDefined();
    }
  });

  it('pins the images and runs NATS with JetStream', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:\d+/);
    expect(compose.services.nats.image).toMatch(/^nats:\d+\.\d+/);
    expect(compose.services.nats.command).toContain('-js');
  });

  it('builds every app in the Dockerfile with the same commands as a bare machine', () => {
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
    expect(dockerfile).toContain('COPY --from=build /app/libs/contracts/proto ./libs/contracts/proto');
    expect(existsSync(join(ROOT, 'libs/contracts/proto'))).toBe(true);
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.build).toBeDefined();
    // The build emits one main.js per app of nest-cli.json (checked on the real build output).
    for (const app of SERVED_APPS) expect(existsSync(join(ROOT, 'dist', 'apps', app, 'main.js'))).toBe(true);
  });
});
