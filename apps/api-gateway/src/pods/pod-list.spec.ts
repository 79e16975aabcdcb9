// The fast pod LIST (sorted keys, rows kept as JSON bytes, streamed) answers byte for byte what the
// generic path answers (present every pod, sort, filter, page, toTable, JSON.stringify), and pages
// through every pod exactly once, in order, across page boundaries and changes between pages.
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import type { RecordedEvent } from '@everynode/contracts';
import { clusterHistory } from '../../../../bench/lib/cluster-history';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { parseListOptions } from '../http/list-options';
import { matchesOptions, ReadResponder } from '../http/read-responder.service';
import { partialObjectMetadata, toTable } from '../kube';
import { page } from '../kube/list-pages';
import { ClusterView } from '../read-model/cluster-view.service';
import { KINDS } from '../read-model/kinds';
import { byNamespaceAndName, KubeObjects } from '../read-model/kube-objects.service';
import { compareKeys } from '@everynode/read-models';
import { PodRows } from './pod-rows';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const PARTIAL = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json';
const NOW = Date.parse('2026-12-05T12:00:00Z');

class Sink extends EventEmitter {
  statusCode = 0;
  headers: Record<string, unknown> = {};
  chunks: Buffer[] = [];
  writes = 0;
  destroyed = false;
  private done!: () => void;
  finished = new Promise<void>((resolve) => (this.done = resolve));
  setHeader(name: string, value: unknown) {
    this.headers[name.toLowerCase()] = value;
  }
  write(chunk: Buffer | string) {
    this.chunks.push(Buffer.from(chunk));
    this.writes++;
    return this.writes % 2 === 0; // backpressure now and then
  }
  end(chunk?: Buffer | string) {
    if (chunk !== undefined) this.chunks.push(Buffer.from(chunk));
    this.done();
  }
  get text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

describe('pod lists', () => {
  let view: ClusterView;
  let objects: KubeObjects;
  let responder: ReadResponder;
  let position = 0;

  const fold = (events: RecordedEvent[]) => {
    (view as unknown as { fold(events: RecordedEvent[]): void }).fold(events);
    position = view.position;
  };
  const podEvent = (type: string, namespace: string, pod: string, data: object): RecordedEvent =>
    ({ position: ++position, eventId: `e${position}`, stream: `pod-${namespace}-${pod}`, streamVersion: 1, type, data: { namespace, pod, ...data }, metadata: {}, recordedAt: new Date(NOW - 90_000).toISOString(), hash: '', prevHash: '' }) as unknown as RecordedEvent;

  beforeAll(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    view = new ClusterView({} as never, { watchCacheSize: 100_000 } as never);
    objects = new KubeObjects(view);
    responder = new ReadResponder(view, objects, new PodRows(view));
    // 40 nodes × 5 DaemonSets, a rolling update, churn in "bench"; a few pods in "bench-b" (which sorts after "bench/…").
    for (const batch of clusterHistory({ events: 1500, nodes: 40, daemonSets: 5 }, NOW - 3 * 3_600_000)) fold(batch);
    fold(['ds-01-bcdfg', 'ds-01-zzzzz', 'a', 'z-1', 'z.1'].map((pod, i) =>
      podEvent('PodScheduled', 'bench-b', pod, { uid: `b${i}`, daemonSet: 'ds-01', daemonSetUid: 'x', node: 'node-00004', templateHash: 'h', generation: 1 })));
    const [some] = view.sortedPodKeys();
    const [ns, name] = some.split('/');
    fold([
      podEvent('PodScheduled', 'bench', 'ds-01-pending', { uid: 'u1', daemonSet: 'ds-01', daemonSetUid: 'x', node: 'node-00001', templateHash: 'h', generation: 1 }),
      podEvent('PodOrphaned', ns, name, {}),
      podEvent('PodScheduled', 'bench', 'lonely-abcde', { uid: 'u2', daemonSet: 'gone', daemonSetUid: 'y', node: 'no-such-node', templateHash: 'h', generation: 3 }),
      podEvent('PodStatusChanged', 'bench', 'lonely-abcde', { phase: 'Failed', ready: false, restarts: 4 }),
    ]);
  });

  afterAll(() => jest.restoreAllMocks());

  const list = async (query: string, accept: string, namespace?: string) => {
    const res = new Sink();
    const req = { headers: { accept }, originalUrl: `/api/v1/pods?${query}` } as unknown as HttpRequest;
    await responder.list(req, res as unknown as HttpResponse, KINDS.pods, namespace, parseListOptions(new URLSearchParams(query), 'Pod'));
    await res.finished;
    return res;
  };

  /** What the gateway answered before pods had their own path. */
  const reference = (query: string, accept: string, namespace?: string) => {
    const opts = parseListOptions(new URLSearchParams(query), 'Pod');
    const rv = opts.continue?.rv ?? view.position;
    const matching = objects.list(KINDS.pods, namespace).filter((o) => matchesOptions(KINDS.pods, o, opts));
    const { items, ...more } = page(matching, { limit: opts.limit, start: opts.continue?.start, rv, compare: byNamespaceAndName });
    const metadata = { resourceVersion: String(rv), ...more };
    if (accept === TABLE) return JSON.stringify({ ...toTable('Pod', items.map((object) => ({ object, now: NOW })), String(rv), { includeObject: opts.includeObject }), metadata });
    if (accept === PARTIAL) return JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map(partialObjectMetadata) });
    return JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items });
  };

  it('has pods of every kind to compare', () => {
    const table = JSON.parse(reference('', TABLE)) as { rows: { cells: string[]; conditions?: unknown }[] };
    expect(table.rows.length).toBeGreaterThan(200);
    expect(new Set(table.rows.map((r) => r.cells[2])).size).toBeGreaterThanOrEqual(3);
    expect(table.rows.some((r) => r.conditions)).toBe(true);
    expect(new Set(table.rows.map((r) => r.cells[4])).size).toBeGreaterThan(1);
  });

  it.each([
    ['', 'Table', TABLE],
    ['includeObject=None', 'Table', TABLE],
    ['includeObject=Object', 'Table', TABLE],
    ['', 'PartialObjectMetadataList', PARTIAL],
    ['', 'PodList', 'application/json'],
    ['limit=7', 'Table', TABLE],
    ['limit=500', 'PodList', 'application/json'],
    ['labelSelector=app%3Dds-02', 'Table', TABLE],
    ['labelSelector=app%3Dds-02&limit=5', 'Table', TABLE],
    ['fieldSelector=spec.nodeName%3Dnode-00003', 'Table', TABLE],
    ['fieldSelector=status.phase!%3DRunning', 'PodList', 'application/json'],
  ])('answers ?%s as a %s byte for byte as the generic path', async (query, _what, accept) => {
    for (const namespace of [undefined, 'bench', 'bench-b', 'none']) {
      const res = await list(query, accept, namespace);
      expect(res.statusCode).toBe(200);
      expect(res.text).toBe(reference(query, accept, namespace));
    }
  });

  it('streams a long answer in chunks, a short one with a Content-Length', async () => {
    const long = await list('includeObject=Object', TABLE);
    expect(long.chunks.length).toBeGreaterThan(1);
    expect(long.headers['content-length']).toBeUndefined();
    expect(long.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const short = await list('limit=3', TABLE);
    expect(short.headers['content-length']).toBe(Buffer.byteLength(short.text));
  });

  it('pages through every pod exactly once, in order, each page after the last key of the one before', async () => {
    const all = objects.list(KINDS.pods).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    for (const limit of [1, 7, 500]) {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const query = `limit=${limit}${token ? `&continue=${token}` : ''}`;
        const res = await list(query, TABLE);
        expect(res.text).toBe(reference(query, TABLE));
        const table = JSON.parse(res.text) as { rows: { object: { metadata: { namespace: string; name: string } } }[]; metadata: { continue?: string; remainingItemCount?: number } };
        seen.push(...table.rows.map((r) => `${r.object.metadata.namespace}/${r.object.metadata.name}`));
        token = table.metadata.continue;
        if (token) expect(table.metadata.remainingItemCount).toBe(all.length - seen.length);
        pages++;
      } while (token);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
    expect([...all].sort(compareKeys)).toEqual(all);
    expect(all.indexOf('bench-b/ds-01-bcdfg')).toBeGreaterThan(all.findLastIndex((k) => k.startsWith('bench/')));
  });

  it('continues after the last key when pods come and go between pages', async () => {
    const first = JSON.parse((await list('limit=10', TABLE)).text) as { rows: { cells: string[] }[]; metadata: { continue: string } };
    const keys = view.sortedPodKeys();
    const [ns, name] = keys[12].split('/');
    fold([
      podEvent('PodRemoved', ns, name, {}),
      podEvent('PodScheduled', 'bench', `${first.rows[9].cells[0]}a`, { uid: 'u3', daemonSet: 'ds-01', daemonSetUid: 'x', node: 'node-00002', templateHash: 'h', generation: 1 }),
      podEvent('PodScheduled', 'bench', 'aaaa-before', { uid: 'u4', daemonSet: 'ds-01', daemonSetUid: 'x', node: 'node-00002', templateHash: 'h', generation: 1 }),
    ]);
    const query = `limit=10&continue=${first.metadata.continue}`;
    const second = await list(query, TABLE);
    expect(second.text).toBe(reference(query, TABLE));
    const rows = (JSON.parse(second.text) as { rows: { cells: string[] }[] }).rows.map((r) => r.cells[0]);
    expect(rows[0]).toBe(`${first.rows[9].cells[0]}a`);
    expect(rows).not.toContain(name);
    expect(rows).not.toContain('aaaa-before');
  });
});
