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
import { PodRows } from '../../apps/api-gateway/src/pods/pod-rows';
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
  const responder = new ReadResponder(view, objects, new PodRows(view));

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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
