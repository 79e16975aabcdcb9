// everynode.v1.Pods: the scheduler's decisions as clients see them, from the view.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PodRecord } from '@everynode/contracts';
import type { CallHandlers } from './call-handlers';
import type { GrpcDeps } from './grpc-deps';
import { podMessage } from './messages';
import { runWatch, type WatchSource } from './watch';

interface PodFilter {
  namespace: string;
  daemonSet: string;
  node: string;
}

const matches = (f: PodFilter) => (p: PodRecord) =>
  (!f.namespace || p.namespace === f.namespace) && (!f.daemonSet || p.daemonSet === f.daemonSet) && (!f.node || p.node === f.node);

export function podsService(deps: GrpcDeps, calls: CallHandlers): UntypedServiceImplementation {
  return {
    List: calls.unary('read', async (req: PodFilter) => {
      const model = deps.view.model;
      const items = [...model.pods.values()].filter(matches(req)).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
      return { items: items.map(podMessage), resourceVersion: String(model.position) };
    }),

    Watch: calls.serverStream('read', (req: PodFilter & { resourceVersion: string }, ctx) => {
      const source: WatchSource<PodRecord> = {
        resource: 'pods',
        keys: (m) => m.pods.keys(),
        get: (m, key) => m.pods.get(key),
        matches: matches(req),
        version: (p) => p.resourceVersion,
        message: podMessage,
      };
      return runWatch(deps, source, req.resourceVersion, ctx);
    }),
  };
}
