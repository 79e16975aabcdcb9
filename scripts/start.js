#!/usr/bin/env node
// `npm start`: the whole stack on this machine. Checks Postgres and NATS, creates the database and runs the
// migrations, starts every service as its own process, waits until each is ready, then says what to do next.
// Logs (JSON lines) go to .everynode/logs/<service>.log. Ctrl-C stops everything.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');

const root = path.resolve(__dirname, '..');
const env = { ...process.env };
env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/everynode';
env.NATS_URL ||= 'nats://127.0.0.1:4222';
env.NATS_PREFIX ||= 'everynode';

const SERVICES = [
  { name: 'node-registry', portVar: 'NODE_REGISTRY_PORT', port: 8081 },
  { name: 'daemonset-spec', portVar: 'DAEMONSET_SPEC_PORT', port: 8082 },
  { name: 'scheduler', portVar: 'SCHEDULER_PORT', port: 8083 },
  { name: 'node-agent', portVar: 'NODE_AGENT_PORT', port: 8084 },
  { name: 'api-gateway', portVar: 'API_GATEWAY_PORT', port: 6443, https: true },
];

function reachable(urlText, defaultPort) {
  const u = new URL(urlText);
  return new Promise((resolve) => {
    const s = net.createConnection({ host: u.hostname, port: Number(u.port || defaultPort) });
    const done = (err) => { s.destroy(); resolve(err); };
    s.setTimeout(2000, () => done('timed out'));
    s.once('connect', () => done(null));
    s.once('error', (e) => done(e.code || e.message));
  });
}

function ready(port, secure) {
  return new Promise((resolve) => {
    const get = secure ? https.get : http.get;
    const req = get({ host: '127.0.0.1', port, path: '/readyz', timeout: 1000, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

async function main() {
  const pgError = await reachable(env.DATABASE_URL, 5432);
  if (pgError) fail(`PostgreSQL is not reachable at ${new URL(env.DATABASE_URL).host} (${pgError}).\n  Start it (e.g. pg_ctlcluster 15 main start), or set DATABASE_URL=postgres://USER@HOST:PORT/DB.`);
  const natsError = await reachable(env.NATS_URL, 4222);
  if (natsError) fail(`NATS is not reachable at ${new URL(env.NATS_URL).host} (${natsError}).\n  Start it with JetStream (nats-server -js), or set NATS_URL=nats://HOST:PORT.`);

  const logs = path.join(root, '.everynode', 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const children = [];
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping everynode...');
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (const svc of SERVICES) {
    const main = path.join(root, 'dist', 'apps', svc.name, 'main.js');
    if (!fs.existsSync(main)) fail(`${main} is missing: run \`npm run build\` first (npm start does it for you).`);
    svc.port = Number(env[svc.portVar] || svc.port);
    const out = fs.openSync(path.join(logs, `${svc.name}.log`), 'a');
    const child = spawn(process.execPath, [main], { env: { ...env, [svc.portVar]: String(svc.port) }, stdio: ['ignore', out, out] });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${svc.name} exited (${signal || code}); see ${path.relative(process.cwd(), path.join(logs, svc.name + '.log'))}`);
        stop();
      }
    });
    children.push(child);
  }

  process.stdout.write('starting');
  const deadline = Date.now() + 60_000;
  for (const svc of SERVICES) {
    while (!(await ready(svc.port, svc.https))) {
      if (Date.now() > deadline) fail(`\n${svc.name} did not become ready within 60 s; see .everynode/logs/${svc.name}.log`);
      process.stdout.write('.');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  console.log(' ready.\n');
  // The seed's cluster had the tkr-system namespace; create it (an existing one is fine) so its session works as written.
  await new Promise((resolve) => {
    const cli = spawn(process.execPath, [path.join(root, 'bin', 'everynode.js'), 'create', 'namespace', 'tkr-system'], { env, stdio: 'ignore' });
    cli.on('exit', resolve);
  });
  console.log('everynode is running:');
  for (const svc of SERVICES) {
    const scheme = svc.https ? 'https' : 'http';
    console.log(`  ${svc.name.padEnd(15)} ${scheme}://127.0.0.1:${svc.port}  (${svc.https ? 'the Kubernetes API; ' : ''}/healthz /readyz /metrics)`);
  }
  console.log(`  event log       ${env.DATABASE_URL} (schema event_log)`);
  console.log(`  events          ${env.NATS_URL} JetStream subjects ${env.NATS_PREFIX}.events.>`);
  console.log(`  logs            .everynode/logs/`);
  const kubeconfig = path.join(env.EVERYNODE_HOME || path.join(root, '.everynode'), 'kubeconfig');
  console.log('\nPoint kubectl at it:');
  console.log(`  export KUBECONFIG=${kubeconfig}`);
  console.log('  kubectl get nodes                                     # k8s-node01, k8s-node02');
  console.log('  kubectl apply -f examples/liberator.yaml              # daemonset.apps/liberator created');
  console.log('  kubectl get ds -n tkr-system                          # READY goes 0 -> 2 in a few seconds');
  console.log('  kubectl get pod -n tkr-system -o wide');
  console.log('\nAudit and operations: npx everynode help');
  console.log('\nCtrl-C stops the stack.');
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

main().catch((e) => fail(e.stack || String(e)));
