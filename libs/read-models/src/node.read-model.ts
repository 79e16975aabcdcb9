// Pure fold of one node stream: the node registry's write-through, a rebuild from the log, the API
// gateway's view and the audit's "state at a moment" all use this one function.
import type { NodeJoined, NodeReadinessChanged, NodeRecord, NodeUpdated, RecordedEvent } from '@everynode/contracts';

/** What is known of one node stream: its version, and the node while it is a member. */
export interface NodeState {
  version: number;
  node: NodeRecord | null;
}

export const initialNodeState = (): NodeState => ({ version: 0, node: null });

export function evolveNode(state: NodeState, event: RecordedEvent): NodeState {
  const version = event.streamVersion;
  const rv = String(event.position);
  switch (event.type) {
    case 'NodeJoined': {
      const d = event.data as NodeJoined;
      return {
        version,
        node: {
          name: d.name,
          uid: d.uid,
          labels: d.labels,
          taints: d.taints,
          unschedulable: d.unschedulable,
          podCIDR: d.podCIDR,
          addresses: d.addresses,
          capacity: d.capacity,
          nodeInfo: d.nodeInfo,
          ready: d.ready,
          readyReason: d.ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown',
          createdAt: event.recordedAt,
          resourceVersion: rv,
        },
      };
    }
    case 'NodeUpdated': {
      const d = event.data as NodeUpdated;
      if (!state.node) return { ...state, version };
      return { version, node: { ...state.node, labels: d.labels, taints: d.taints, unschedulable: d.unschedulable, resourceVersion: rv } };
    }
    case 'NodeReadinessChanged': {
      const d = event.data as NodeReadinessChanged;
      if (!state.node) return { ...state, version };
      return { version, node: { ...state.node, ready: d.status, readyReason: d.reason, resourceVersion: rv } };
    }
    case 'NodeLeft':
      return { version, node: null };
    default:
      return { ...state, version };
  }
}

/** Every node stream folded from scratch: what the projection must equal (DESIGN rule 6). */
export function foldNodes(events: Iterable<RecordedEvent>): Map<string, NodeState> {
  const nodes = new Map<string, NodeState>();
  for (const event of events) {
    if (!event.stream.startsWith('node-')) continue;
    const name = (event.data as { name: string }).name;
    nodes.set(name, evolveNode(nodes.get(name) ?? initialNodeState(), event));
  }
  return nodes;
}
