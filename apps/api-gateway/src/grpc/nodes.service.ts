// everynode.v1.NodeRegistry: writes go to the node registry as NATS commands, reads come from the view.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { JoinNodeCommand, NodeRecord, Taint, UpdateNodeCommand } from '@everynode/contracts';
import type { CallHandlers } from './call-handlers';
import type { GrpcDeps } from './grpc-deps';
import { invalidArgument, required } from './grpc-errors';
import { nodeMessage } from './messages';
import { runWatch, type WatchSource } from './watch';

interface TaintMessage {
  key: string;
  value: string;
  effect: string;
}
interface NodeFields {
  labels: Record<string, string>;
  taints: TaintMessage[];
  unschedulable: boolean;
}
interface JoinRequest extends NodeFields {
  name: string;
  podCidr: string;
  addresses: { type: string; address: string }[];
  capacity: Record<string, string>;
  nodeInfo: Record<string, string> | null;
}
interface UpdateRequest extends NodeFields {
  name: string;
  updateMask: { paths: string[] } | null;
  resourceVersion: string;
}

const UPDATABLE = ['labels', 'taints', 'unschedulable'] as const;

export function nodeRegistryService(deps: GrpcDeps, calls: CallHandlers): UntypedServiceImplementation {
  const model = () => deps.view.model;
  const current = (name: string) => model().nodes.get(name)?.node ?? undefined;
  const existing = (name: string) => {
    const node = current(name);
    if (!node) throw notFound('nodes', name);
    return node;
  };

  return {
    Join: calls.unary('write', async (req: JoinRequest, ctx) => {
      const name = required(req.name, 'name');
      const cmd: Omit<JoinNodeCommand, 'meta'> = {
        name,
        ...(Object.keys(req.labels).length ? { labels: req.labels } : {}),
        ...(req.taints.length ? { taints: taints(req.taints) } : {}),
        unschedulable: req.unschedulable,
        ...(req.podCidr ? { podCIDR: req.podCidr } : {}),
        ...(req.addresses.length ? { addresses: req.addresses as JoinNodeCommand['addresses'] } : {}),
        ...(Object.keys(req.capacity).length ? { capacity: req.capacity } : {}),
        ...(req.nodeInfo && Object.values(req.nodeInfo).some(Boolean) ? { nodeInfo: nonEmpty(req.nodeInfo) } : {}),
      };
      const reply = await ctx.command<NodeRecord>(COMMANDS.nodeJoin, { ...cmd });
      return nodeMessage(current(name) ?? reply);
    }),

    Update: calls.unary('write', async (req: UpdateRequest, ctx) => {
      const name = required(req.name, 'name');
      const paths = req.updateMask?.paths?.length ? req.updateMask.paths : [...UPDATABLE];
      const unknown = paths.find((p) => !(UPDATABLE as readonly string[]).includes(p));
      if (unknown) throw invalidArgument(`update_mask: "${unknown}" cannot be updated (only ${UPDATABLE.join(', ')})`, 'update_mask');
      const node = existing(name);
      const cmd: Omit<UpdateNodeCommand, 'meta'> = {
        name,
        labels: paths.includes('labels') ? req.labels : node.labels,
        taints: paths.includes('taints') ? taints(req.taints) : node.taints,
        unschedulable: paths.includes('unschedulable') ? req.unschedulable : node.unschedulable,
        ...(req.resourceVersion ? { resourceVersion: req.resourceVersion } : {}),
      };
      const reply = await ctx.command<NodeRecord>(COMMANDS.nodeUpdate, { ...cmd });
      return nodeMessage(current(name) ?? reply);
    }),

    Leave: calls.unary('write', async (req: { name: string }, ctx) => {
      const name = required(req.name, 'name');
      return nodeMessage(await ctx.command<NodeRecord>(COMMANDS.nodeLeave, { name }));
    }),

    Get: calls.unary('read', async (req: { name: string }) => nodeMessage(existing(required(req.name, 'name')))),

    List: calls.unary('read', async () => {
      const items = [...model().nodes.values()].flatMap((s) => (s.node ? [s.node] : [])).sort((a, b) => a.name.localeCompare(b.name));
      return { items: items.map(nodeMessage), resourceVersion: String(model().position) };
    }),

    Watch: calls.serverStream('read', (req: { name: string; resourceVersion: string }, ctx) => {
      const source: WatchSource<NodeRecord> = {
        resource: 'nodes',
        keys: (m) => m.nodes.keys(),
        get: (m, key) => m.nodes.get(key)?.node ?? undefined,
        matches: (n) => !req.name || n.name === req.name,
        version: (n) => n.resourceVersion,
        message: nodeMessage,
      };
      return runWatch(deps, source, req.resourceVersion, ctx);
    }),
  };
}

const taints = (list: TaintMessage[]): Taint[] =>
  list.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect as Taint['effect'] }));

const nonEmpty = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v));
