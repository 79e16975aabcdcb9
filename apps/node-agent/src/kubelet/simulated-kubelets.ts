// Simulated kubelets, the way KWOK simulates nodes: register, then keep the leases alive with batched
// heartbeats — per interval, one command per HEARTBEAT_BATCH nodes of this process (the registry renews a
// lease in O(1), so a command costs its names). A node deleted from the cluster is not re-registered, and its
// pods are dropped here (listeners of onNodeDeleted).
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { COMMANDS } from '@everynode/contracts';
import type { JoinNodesCommand, NodeRecord } from '@everynode/contracts';
import { JetStreamClient, request } from '@everynode/messaging';
import { MetricsRegistry, Readiness } from '@everynode/platform';
import type { AgentConfig } from '../config/agent-config';

export const AGENT_CONFIG = Symbol('AGENT_CONFIG');
/** Nodes per registration command: one transaction, well under NATS' 1 MiB message limit. */
const JOIN_BATCH = 500;
/** Node names per heartbeat command: the registry renews them in O(names), the message stays well under 1 MiB. */
export const HEARTBEAT_BATCH = 2000;

@Injectable()
export class SimulatedKubelets implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('node-agent');
  /** Joined and heartbeating: name -> pod CIDR. */
  private readonly managed = new Map<string, string>();
  private readonly configured: Set<string>;
  private readonly deleted = new Set<string>();
  private readonly deletedListeners: ((node: string) => void)[] = [];
  private timer?: NodeJS.Timeout;
  private markRegistered!: () => void;
  /** Resolves once every node has joined (or given up). */
  readonly registered = new Promise<void>((resolve) => (this.markRegistered = resolve));
  private isRegistered = false;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    private readonly client: JetStreamClient,
    metrics: MetricsRegistry,
    readiness: Readiness,
  ) {
    this.configured = new Set(config.nodes);
    metrics.gaugeFn('agent_nodes', 'Nodes this agent keeps alive.', () => this.managed.size);
    readiness.register('registered', () => this.isRegistered);
  }

  /** Pods on this node are this agent's to run (also while the node is still joining). */
  owns(node: string): boolean {
    return this.configured.has(node) && !this.deleted.has(node);
  }

  /** The node's pod CIDR, known once it joined. */
  podCidr(node: string): string | undefined {
    return this.managed.get(node);
  }

  onNodeDeleted(listener: (node: string) => void): void {
    this.deletedListeners.push(listener);
  }

  onApplicationBootstrap() {
    void this.registerAll().catch((e) => this.logger.error(`registration failed: ${e.message ?? JSON.stringify(e)}`));
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Registers in batches (one transaction each), so thousands of nodes join in seconds. */
  private async registerAll(): Promise<void> {
    try {
      for (let i = 0; i < this.config.nodes.length; i += JOIN_BATCH) await this.join(this.config.nodes.slice(i, i + JOIN_BATCH));
      this.isRegistered = true;
      this.logger.log(`registered ${this.managed.size} nodes`);
      this.timer = setInterval(() => void this.heartbeat(), this.config.heartbeatIntervalMs);
    } finally {
      this.markRegistered();
    }
  }

  private async join(names: string[]): Promise<void> {
    const cmd: JoinNodesCommand = {
      meta: { actor: `node-agent:${this.config.agentId}`, requestId: randomUUID(), request: 'node registration' },
      nodes: names.map((name) => ({
        name,
        labels: { 'node.kubernetes.io/instance-type': 'simulated' },
        addresses: [{ type: 'Hostname', address: name }],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'everynode simulated kubelet', kernelVersion: 'simulated', containerRuntimeVersion: 'simulated://1.0' },
      })),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        // Nodes that joined before (an agent restart) answer with their records, pod CIDRs included.
        const nodes = await request<NodeRecord[]>(this.client, COMMANDS.nodeJoinMany, cmd);
        for (const node of nodes) this.managed.set(node.name, node.podCIDR);
        return;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 3000)));
      }
    }
  }

  /** One command per HEARTBEAT_BATCH nodes, sent together; a failed chunk is retried next interval. */
  private async heartbeat(): Promise<void> {
    const names = [...this.managed.keys()];
    const chunks = Array.from({ length: Math.ceil(names.length / HEARTBEAT_BATCH) }, (_, i) => names.slice(i * HEARTBEAT_BATCH, (i + 1) * HEARTBEAT_BATCH));
    await Promise.all(chunks.map((chunk) => this.heartbeatChunk(chunk)));
  }

  private async heartbeatChunk(names: string[]): Promise<void> {
    try {
      const reply = await request<{ unknown: string[] }>(this.client, COMMANDS.nodeHeartbeat, { names });
      for (const name of reply.unknown) {
        if (!this.managed.delete(name)) continue;
        this.deleted.add(name);
        this.logger.log(`${name} was removed from the cluster; it is no longer simulated`);
        for (const listener of this.deletedListeners) listener(name);
      }
    } catch (e) {
      this.logger.warn(`heartbeat failed, retrying next interval: ${(e as Error).message ?? JSON.stringify(e)}`);
    }
  }
}
