// Focused micro-benchmark of the gateway's LIST path (no stack, no network): folds a synthetic cluster of
// N nodes × M DaemonSets into the gateway's ClusterView and times the list handler for
//  - every pod as a Table (what `kubectl get pods -A` asks for, without ?limit),
//  - every pod in pages of 500 (what real kubectl does: ?limit=500 and continue tokens),
//  - every pod as a PodList (`-o json`).
// node -r ./scripts/ts-register.js bench/lib/gateway-list-micro.ts [nodes=5000] [daemonsets=30] [runs=3]
import 'reflect-metadata';
import { clusterHistory } from './cluster-history';
import { ClusterView } from '../../apps/api-gateway/src/read-model/cluster-view.service';
import { KubeObjects } from '../../apps/api-gateway/src/read-model/kube-objects.service';
import { ReadResponder } from '../../apps/api-gateway/src/http/read-responder.service';
import { parseListOptions } from '../../apps/api-gateway/src/http/list-options';
import { KINDS } from '../../apps/api-gateway/src/read-model/kinds';
import type { HttpRequest, HttpResponse } from '../../apps/api-gateway/src/http/http-types';
import { EventEmitter } from 'node:events';

const [nodes = 5000, daemonSets = 30, runs = 3] = process.argv.slice(2).map(Number);
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** A response that keeps what is written (as Buffers, as the socket would). */
class Sink extends EventEmitter {
  statusCode = 0;
  headers: Record<string, unknown> = {};
  chunks: Buffer[] = [];
  bytes = 0;
  writableEnded = false;
  writableLength = 0;
  done!: () => void;
  finished = new Promise<void>((r) => (this.done = r));
  setHeader(k: string, v: unknown) { this.headers[k.toLowerCase()] = v; }
  getHeader(k: string) { return this.headers[k.toLowerCase()]; }
  writeHead(code: number, h?: Record<string, unknown>) { this.statusCode = code; Object.assign(this.headers, h); return this; }
  flushHeaders() {}
  write(c: string | Buffer) { const b = typeof c === 'string' ? Buffer.from(c) : c; this.chunks.push(b); this.bytes += b.length; return true; }
  end(c?: string | Buffer) { if (c !== undefined) this.write(c); this.writableEnded = true; this.done(); return this; }
  get body() { return Buffer.concat(this.chunks).toString('utf8'); }
}

async function main() {
  const view = new ClusterView({} as never, { watchCacheSize: 1_000_000 } as never);
  const t0 = performance.now();
  for (const batch of clusterHistory({ events: nodes * (1 + 2 * daemonSets) * 2.3, nodes, daemonSets })) {
    (view as unknown as { fold(e: unknown[]): void }).fold(batch);
    if (view.model.pods.size >= nodes * daemonSets) break;
  }
  console.log(`folded ${view.model.pods.size} pods at position ${view.position} in ${((performance.now() - t0) / 1000).toFixed(1)} s; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  const objects = new KubeObjects(view);
  let podRows: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PodRows } = require('../../apps/api-gateway/src/pods/pod-rows') as { PodRows: new (v: ClusterView) => unknown };
    podRows = new PodRows(view);
    await (podRows as { warm(): Promise<void> }).warm();
  } catch {
    podRows = undefined; // the code before PodRows
  }
  const responder = new (ReadResponder as unknown as new (...args: unknown[]) => ReadResponder)(view, objects, podRows);
  if (process.env.HTTPS) return serveAndMeasure(responder);

  const list = async (query: string, accept: string) => {
    const req = { headers: { accept }, originalUrl: `/api/v1/pods?${query}` } as unknown as HttpRequest;
    const res = new Sink();
    const opts = parseListOptions(new URLSearchParams(query), 'Pod');
    const t = performance.now();
    const cpu = process.cpuUsage();
    await responder.list(req, res as unknown as HttpResponse, KINDS.pods, undefined, opts);
    await res.finished;
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - t, cpu: (used.user + used.system) / 1000, res };
  };

  for (let i = 0; i < runs; i++) {
    const { ms, cpu, res } = await list('', TABLE);
    const table = JSON.parse(res.body);
    console.log(`table, all: ${table.rows.length} rows, ${(res.bytes / 2 ** 20).toFixed(1)} MiB in ${ms.toFixed(0)} ms (cpu ${cpu.toFixed(0)} ms)`);
  }
  for (let i = 0; i < (process.env.PAGES === '0' ? 0 : Math.min(runs, 2)); i++) {
    let token = '';
    let pages = 0;
    let rows = 0;
    let worst = 0;
    let cpuAll = 0;
    let last = '';
    const t = performance.now();
    do {
      const { ms, cpu, res } = await list(`limit=500${token ? `&continue=${token}` : ''}`, TABLE);
      const table = JSON.parse(res.body) as { rows: { cells: string[]; object: { metadata: { namespace: string; name: string } } }[]; metadata: { continue?: string } };
      for (const r of table.rows) {
        const key = `${r.object.metadata.namespace}/${r.object.metadata.name}`;
        if (key <= last) throw new Error(`out of order: ${key} after ${last}`);
        last = key;
      }
      rows += table.rows.length;
      pages++;
      worst = Math.max(worst, ms);
      cpuAll += cpu;
      token = table.metadata.continue ?? '';
    } while (token);
    console.log(`table, pages of 500: ${rows} rows in ${pages} pages, ${(performance.now() - t).toFixed(0)} ms in all (cpu ${cpuAll.toFixed(0)} ms), worst page ${worst.toFixed(1)} ms`);
  }
  if (process.env.JSONLIST !== '0') {
    const { ms, cpu, res } = await list('', 'application/json');
    console.log(`PodList, all: ${(res.bytes / 2 ** 20).toFixed(1)} MiB in ${ms.toFixed(0)} ms (cpu ${cpu.toFixed(0)} ms)`);
  }
  console.log(`heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}

/** The list over HTTPS (TLS on both ends), measured by a client in another process: as the bench's client sees it. */
async function serveAndMeasure(responder: ReadResponder) {
  const { createServer } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  const server = createServer({ key: readFileSync(process.env.HTTPS_KEY!), cert: readFileSync(process.env.HTTPS_CERT!) }, (req, res) => {
    const query = req.url!.includes('?') ? req.url!.slice(req.url!.indexOf('?') + 1) : '';
    (req as unknown as { originalUrl: string }).originalUrl = req.url!;
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    if (!query) res.on('finish', () => { const u = process.cpuUsage(cpu); console.log(`  server: ${(performance.now() - t0).toFixed(0)} ms, cpu ${((u.user + u.system) / 1000).toFixed(0)} ms`); });
    responder.list(req as unknown as HttpRequest, res, KINDS.pods, undefined, parseListOptions(new URLSearchParams(query), 'Pod')).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = `
    const https = require('node:https');
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const get = (path) => new Promise((resolve, reject) => {
      const t0 = performance.now();
      https.get({ host: '127.0.0.1', port: ${port}, path, agent, headers: { Accept: '${TABLE}' } }, (res) => {
        const chunks = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => resolve({ ms: performance.now() - t0, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    (async () => {
      for (let i = 0; i < ${runs}; i++) { const a = await get('/api/v1/pods'); console.log('https table, all: ' + (a.body.length / 2 ** 20).toFixed(1) + ' MiB in ' + a.ms.toFixed(0) + ' ms'); }
      for (let pass = 0; pass < ${process.env.PAGES === '0' ? 0 : 2}; pass++) {
        let token = '', pages = [], rows = 0; const t0 = performance.now();
        do { const a = await get('/api/v1/pods?limit=500' + (token ? '&continue=' + encodeURIComponent(token) : '')); pages.push(a.ms); const t = JSON.parse(a.body); rows += t.rows.length; token = t.metadata.continue || ''; } while (token && pages.length < ${Number(process.env.MAXPAGES) || 1e9});
        pages.sort((a, b) => a - b);
        console.log('https pages of 500: ' + rows + ' rows in ' + pages.length + ' pages, ' + (performance.now() - t0).toFixed(0) + ' ms in all; page p50 ' + pages[pages.length >> 1].toFixed(1) + ' ms, p99 ' + pages[Math.floor(pages.length * 0.99)].toFixed(1) + ' ms');
      }
      agent.destroy();
    })();`;
  await new Promise<void>((resolve) => spawn(process.execPath, ['-e', client], { stdio: 'inherit' }).on('exit', () => resolve()));
  server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
