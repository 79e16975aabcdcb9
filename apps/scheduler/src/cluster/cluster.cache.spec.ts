// Paging the scheduler's pods (what node agents list): every pod exactly once, in key order, whatever
// the filter and the page size, and a list that goes on while pods come and go loses none of the pods
// that were there at its first page.
import fc from 'fast-check';
import type { RecordedEvent } from '@everynode/contracts';
import { ClusterCache } from './cluster.cache';

let position = 0;
const event = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  position: ++position,
  eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  stream: `pod-${data.namespace}-${data.pod}`,
  streamVersion: 1,
  type,
  data,
  metadata: { actor: 'test', causationId: null, correlationId: 'c' },
  recordedAt: new Date(0).toISOString(),
  hash: '',
  prevHash: '',
});
const scheduled = (namespace: string, pod: string, node: string) =>
  event('PodScheduled', { namespace, pod, node, daemonSet: 'ds', daemonSetUid: 'u', uid: `uid-${pod}`, templateHash: 'h', generation: 1 });
const removed = (namespace: string, pod: string, node: string) => event('PodRemoved', { namespace, pod, node, daemonSet: 'ds', reason: 'NodeLeft' });

function pageAll(cache: ClusterCache, filter: Parameters<ClusterCache['podPage']>[0], limit: number, between?: (page: number) => void): string[] {
  const keys: string[] = [];
  let after: string | undefined;
  for (let page = 0; ; page++) {
    const { items, next } = cache.podPage(filter, after, limit);
    keys.push(...items.map((p) => `${p.namespace}/${p.name}`));
    if (!next) return keys;
    after = next;
    between?.(page);
  }
}

describe('ClusterCache.podPage', () => {
  const pod = fc.record({ namespace: fc.constantFrom('a', 'b', 'kube-system'), pod: fc.stringMatching(/^[a-z0-9]{1,6}$/), node: fc.constantFrom('n1', 'n2', 'n3') });

  it('lists every matching pod once, in key order (node by node for a list of nodes), for any page size and filter', () => {
    fc.assert(
      fc.property(fc.uniqueArray(pod, { selector: (p) => `${p.namespace}/${p.pod}`, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.constantFrom({}, { namespace: 'a' }, { node: 'n2' }, { nodes: new Set(['n1', 'n3']) }), (pods, limit, filter) => {
        const cache = new ClusterCache(null as never);
        for (const p of pods) cache.fold(scheduled(p.namespace, p.pod, p.node));
        const expected = pods
          .filter((p) => (!('namespace' in filter) || p.namespace === filter.namespace) && (!('node' in filter) || p.node === filter.node) && (!('nodes' in filter) || filter.nodes!.has(p.node)))
          // A list of nodes goes node by node (each node's pods in key order), any other list in key order.
          .map((p) => ('nodes' in filter ? `${p.node}|` : '') + `${p.namespace}/${p.pod}`)
          .sort()
          .map((k) => k.slice(k.indexOf('|') + 1));
        expect(pageAll(cache, filter, limit)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a continue token of a key-ordered list for a list of nodes (400), rather than start over', () => {
    const cache = new ClusterCache(null as never);
    cache.fold(scheduled('a', 'p1', 'n1'));
    expect(() => cache.podPage({ nodes: new Set(['n1']) }, 'a/p0', 10)).toThrow(expect.objectContaining({ status: expect.objectContaining({ code: 400 }) }));
  });

  it('keeps every pod present at the first page when pods come and go between pages', () => {
    const cache = new ClusterCache(null as never);
    const names = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    for (const n of names) cache.fold(scheduled('a', n, 'n1'));
    const listed = pageAll(cache, {}, 4, (page) => {
      cache.fold(scheduled('a', `p${String(page).padStart(2, '0')}x`, 'n1')); // new: may or may not be listed
      cache.fold(removed('a', names[29 - page], 'n1')); // gone: must not be listed after it went
    });
    const goneBeforeListed = new Set(names.slice(22)); // removed before a page could reach them
    for (const n of names) if (!goneBeforeListed.has(n)) expect(listed).toContain(`a/${n}`);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual([...listed].sort());
  });

  it('lists exactly the pods there are, after any pods came, went and came back between lists', () => {
    // Each list merges the keys added since the last one into the sorted keys: against a fresh sort.
    const op = fc.record({ list: fc.boolean(), remove: fc.boolean(), pod: fc.stringMatching(/^[a-c]{1,3}$/), limit: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-c]{1,3}$/), { minLength: 20 }), fc.array(op, { maxLength: 80 }), (initial, ops) => {
        const cache = new ClusterCache(null as never);
        const live = new Set<string>();
        // A first list of many pods: later lists merge what was added since (a few) instead of sorting afresh.
        for (const pod of initial) {
          live.add(`a/${pod}`);
          cache.fold(scheduled('a', pod, 'n1'));
        }
        expect(pageAll(cache, {}, 7)).toEqual([...live].sort());
        for (const o of ops) {
          if (o.list) expect(pageAll(cache, {}, o.limit)).toEqual([...live].sort());
          else if (o.remove && live.delete(`a/${o.pod}`)) cache.fold(removed('a', o.pod, 'n1'));
          else if (!o.remove && !live.has(`a/${o.pod}`)) {
            live.add(`a/${o.pod}`);
            cache.fold(scheduled('a', o.pod, 'n1'));
          }
        }
        expect(pageAll(cache, {}, 3)).toEqual([...live].sort());
      }),
      { numRuns: 500 },
    );
  });
});

describe('ClusterCache.takeSeen', () => {
  const on = (stream: string, type: string, data: Record<string, unknown>) => ({ ...event(type, data), stream });

  it('names the nodes and DaemonSets whose events were folded since the last call, once', () => {
    const cache = new ClusterCache(null as never);
    cache.fold(on('node-n1', 'NodeJoined', { name: 'n1', labels: {}, taints: [], unschedulable: false }));
    cache.fold(on('node-n2', 'NodeLeft', { name: 'n2', reason: 'Deleted' }));
    cache.fold(on('daemonset-ns.web', 'DaemonSetDeleted', { namespace: 'ns', name: 'web', propagationPolicy: 'Background' }));
    cache.fold(scheduled('ns', 'p1', 'n1')); // a pod event names neither
    const seen = cache.takeSeen();
    expect([...seen.nodes].sort()).toEqual(['n1', 'n2']);
    expect([...seen.daemonSets]).toEqual(['ns/web']);
    const again = cache.takeSeen();
    expect(again.nodes.size + again.daemonSets.size).toBe(0);
  });
});
