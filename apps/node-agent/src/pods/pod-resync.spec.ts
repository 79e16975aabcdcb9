// The periodic lists go a slice of nodes at a time, spread over the interval: every node is listed once per
// interval, and no list asks for more than a slice (the lists at start and after a reconnect ask for all).
import { of } from 'rxjs';
import type { ListPodsQuery, PodRecord } from '@everynode/contracts';
import type { JetStreamClient } from '@everynode/messaging';
import { MetricsRegistry } from '@everynode/platform';
import { loadAgentConfig } from '../config/agent-config';
import type { SimulatedKubelets } from '../kubelet/simulated-kubelets';
import type { PodRuntime } from './pod-runtime';
import { PodResync, RESYNC_SLICE_NODES } from './pod-resync';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PodResync', () => {
  it('lists all nodes at start, then each node once per interval, a slice at a time', async () => {
    const config = loadAgentConfig({ SIM_NODES: '1200', POD_RELIST_INTERVAL_MS: '600', AGENT_ID: 'a1' });
    const lists: (ReadonlySet<string> | undefined)[] = [];
    const client = {
      send: () => of({ items: [] as PodRecord[], resourceVersion: '7' }),
      connect: async () => ({ status: async function* () {} }),
    } as unknown as JetStreamClient;
    const runtime = { resync: (_items: PodRecord[], _at: number, nodes?: ReadonlySet<string>) => lists.push(nodes) } as unknown as PodRuntime;
    const sent: string[][] = [];
    const recording = { ...client, send: (p: string, q: ListPodsQuery) => (sent.push(q.nodes ?? []), client.send(p, q)) } as unknown as JetStreamClient;
    const resync = new PodResync(config, recording, { registered: Promise.resolve() } as unknown as SimulatedKubelets, runtime, new MetricsRegistry());
    await resync.start();
    expect(sent).toEqual([config.nodes]);
    expect(lists[0]).toBeUndefined(); // all nodes

    await sleep(600 * 1.5);
    resync.onApplicationShutdown();
    const periodic = sent.slice(1);
    expect(periodic.length).toBeGreaterThanOrEqual(3); // 3 slices per 600 ms, listed every 200 ms
    expect(periodic.every((nodes) => nodes.length <= RESYNC_SLICE_NODES)).toBe(true);
    expect(new Set(periodic.slice(0, 3).flat())).toEqual(new Set(config.nodes)); // one interval covers every node
    expect(lists.slice(1).every((slice) => slice && slice.size <= RESYNC_SLICE_NODES)).toBe(true);
  });
});
