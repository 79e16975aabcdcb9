// api: the Kubernetes API of the gateway over HTTPS, on the converged cluster.
//  - list: `kubectl get pods -A` — every pod as a meta.k8s.io Table, several times; p50/p99
//  - watch fan-out: many concurrent `/api/v1/pods?watch=true` streams from the list's resourceVersion
//    while nodes churn; the watch events delivered per second in total
import { get as httpsGet } from 'node:https';
import { Stack, waitFor } from '../../test/support/stack';
import { GatewayClient } from '../lib/gateway-client';
import { percentile, progress, record } from '../lib/report';
import { churn, ChurnParams, settle } from './join-latency';
import type { Limits } from './limits';

export interface ApiParams {
  listRequests: number;
  watchers: number;
  churn: ChurnParams;
}

const S = 'api';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** Starts the gateway on the stack. It folds the whole log before it is ready: longer than the harness waits on a big one. */
export async function startGateway(stack: Stack): Promise<GatewayClient> {
  const t0 = Date.now();
  try {
    await stack.start('api-gateway', { WATCH_CACHE_SIZE: '1000000' });
  } catch (e) {
    const child = stack.processes.get('api-gateway');
    if (!/timed out waiting for api-gateway \/readyz/.test((e as Error).message) || !child || child.exitCode !== null) throw e;
    progress(`${S}: the gateway is still folding the log after ${((Date.now() - t0) / 1000).toFixed(0)} s; waiting`);
    await waitFor('api-gateway /readyz', async () => {
      if (child.exitCode !== null) throw new Error(`api-gateway exited with ${child.exitCode}; see ${stack.logDir}/api-gateway.log`);
      return (await readyz(stack.ports.get('api-gateway')!)) === 200;
    }, 600_000, 1000);
  }
  progress(`${S}: gateway ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return new GatewayClient(stack.ports.get('api-gateway')!, stack.gatewayHome);
}

function readyz(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}

/** Lists every pod as a Table `requests` times; returns the resourceVersion the first list reflects. */
export async function listPods(gw: GatewayClient, p: ApiParams, expected: number, limits?: Limits): Promise<string> {
  const times: number[] = [];
  let resourceVersion = '';
  let bytes = 0;
  for (let i = 0; i < p.listRequests; i++) {
    const answer = await gw.get('/api/v1/pods', { Accept: TABLE });
    if (answer.status !== 200) throw new Error(`GET /api/v1/pods: HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`);
    if (i === 0) {
      const table = JSON.parse(answer.body.toString('utf8')) as { kind: string; rows: unknown[]; metadata: { resourceVersion: string } };
      if (table.kind !== 'Table' || table.rows.length !== expected) throw new Error(`expected a Table of ${expected} pods, got ${table.kind} of ${table.rows?.length}`);
      resourceVersion = table.metadata.resourceVersion;
      bytes = answer.bytes;
    }
    times.push(answer.ms);
    progress(`${S}: list ${i + 1}/${p.listRequests}: ${expected} pods, ${(answer.bytes / 2 ** 20).toFixed(1)} MiB in ${Math.round(answer.ms)} ms`);
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  record({ scenario: S, metric: `list ${expected} pods as Table p50 (n=${times.length}, ${(bytes / 2 ** 20).toFixed(1)} MiB)`, value: Math.round(p50), unit: 'ms' });
  record({ scenario: S, metric: 'list as Table p99', value: Math.round(percentile(times, 99)), unit: 'ms' });
  const rate = expected / (p50 / 1000);
  record({ scenario: S, metric: 'list: pods per second (p50)', value: Math.round(rate), unit: 'pods/s', ...(limits ? { ratio: { of: 'raw log read', value: rate / limits.read } } : {}) });
  await pagePods(gw, expected);
  return resourceVersion;
}

/** What real kubectl does: `?limit=500`, then follow the continue tokens; every pod exactly once, in order. */
async function pagePods(gw: GatewayClient, expected: number): Promise<void> {
  const totals: number[] = [];
  const pages: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const t0 = performance.now();
    let token = '';
    let rows = 0;
    let last = '';
    do {
      const answer = await gw.get(`/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`, { Accept: TABLE });
      if (answer.status !== 200) throw new Error(`GET /api/v1/pods?limit=500: HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`);
      pages.push(answer.ms);
      const table = JSON.parse(answer.body.toString('utf8')) as { rows: { object: { metadata: { namespace: string; name: string } } }[]; metadata: { continue?: string } };
      for (const row of table.rows) {
        const key = `${row.object.metadata.namespace}/${row.object.metadata.name}`;
        if (key <= last) throw new Error(`paging: ${key} after ${last}`);
        last = key;
      }
      rows += table.rows.length;
      token = table.metadata.continue ?? '';
    } while (token);
    if (rows !== expected) throw new Error(`paging: expected ${expected} pods, got ${rows}`);
    totals.push(performance.now() - t0);
    progress(`${S}: paged ${rows} pods 500 at a time in ${Math.round(totals[pass])} ms`);
  }
  pages.sort((a, b) => a - b);
  record({ scenario: S, metric: `list ${expected} pods in pages of 500 (kubectl's limit, continue tokens): all pages`, value: Math.round(Math.min(...totals)), unit: 'ms' });
  record({ scenario: S, metric: `list in pages of 500: one page p50 (n=${pages.length})`, value: Math.round(percentile(pages, 50) * 10) / 10, unit: 'ms' });
  record({ scenario: S, metric: 'list in pages of 500: one page p99', value: Math.round(percentile(pages, 99) * 10) / 10, unit: 'ms' });
}

/** Watchers from `resourceVersion` while nodes churn; every watcher should see every pod change. */
export async function watchFanOut(stack: Stack, gw: GatewayClient, p: ApiParams, resourceVersion: string, limits?: Limits): Promise<number> {
  const errors: Error[] = [];
  const path = `/api/v1/pods?watch=true&resourceVersion=${resourceVersion}`;
  const watches = Array.from({ length: p.watchers }, () => gw.watch(path, (e) => errors.push(e)));
  try {
    let established = 0;
    for (const w of watches) void w.established.then(() => established++);
    await waitFor('watches established', async () => {
      if (errors.length) throw errors[0];
      return established === watches.length;
    }, 300_000, 500);
    progress(`${S}: ${p.watchers} watches established`);
    const t0 = performance.now();
    const result = await churn(stack, p.churn, `${S} watch`);
    await settle(stack, result.nodes, `${S} watch`);
    const [{ n }] = await stack.db.adminDataSource.query(
      `SELECT count(*)::int AS n FROM event_log.pod_events WHERE position > $1`,
      [resourceVersion],
    );
    // Delivered when every watcher has every change, or nothing arrived for a long while (the gateway
    // delivers in bursts, seconds apart, when it lags).
    for (const deadline = performance.now() + 900_000; performance.now() < deadline; await sleep(2000)) {
      const fewest = Math.min(...watches.map((w) => w.events));
      if (fewest >= n || performance.now() - Math.max(...watches.map((w) => w.lastAt)) > 20_000) break;
      progress(`${S}: the slowest watcher has ${fewest} of ${n} pod changes`);
    }
    const total = watches.reduce((sum, w) => sum + w.events, 0);
    const seconds = (Math.max(...watches.map((w) => w.lastAt)) - t0) / 1000;
    const fewest = Math.min(...watches.map((w) => w.events));
    if (errors.length) progress(`${S}: ${errors.length} watch errors, first: ${errors[0].message}`);
    record({ scenario: S, metric: `watch: events delivered to ${p.watchers} watchers`, value: total, unit: 'events' });
    record({ scenario: S, metric: `watch: fewest events one watcher got (the log has ${n} pod changes)`, value: fewest, unit: 'events' });
    const rate = total / seconds;
    record({ scenario: S, metric: `watch fan-out: events delivered per second (${p.watchers} watchers, churn ${p.churn.rate}/s)`, value: Math.round(rate), unit: 'events/s', ...(limits ? { ratio: { of: 'raw consume+ack', value: rate / limits.consume } } : {}) });
    return rate;
  } finally {
    for (const w of watches) w.stop();
  }
}
