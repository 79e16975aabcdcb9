// A whole cluster (the services, optionally the api-gateway and a node agent of simulated kubelets) on private
// PostgreSQL and NATS servers, with what the fault tests drive it with: DaemonSets, node churn, metrics,
// HTTPS requests to the API, and "converged" checked against the log.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { COMMANDS, isKubeStatus, subjects } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { decodeEventMessage, JetStreamClient, request } from '@everynode/messaging';
import { meta, Stack, waitFor } from '../../support/stack';
import { type AuditReport, LogAuditor, problemsOf } from './log-audit';
import { PrivateServers } from './private-servers';

export const NAMESPACE = 'faults';
/** The label the node agent gives its simulated nodes. */
export const SIMULATED = { 'node.kubernetes.io/instance-type': 'simulated' };

/** A DaemonSet whose rollouts replace every pod at once (maxUnavailable 100%): a converge of the whole fleet. */
export function daemonSet(name: string, revision: string, nodeSelector?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%' } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'faults.everynode.io/revision': revision } },
        spec: { ...(nodeSelector ? { nodeSelector } : {}), containers: [{ name, image: `example/${name}:1` }] },
      },
    },
  };
}

/** Three DaemonSets: on every node, on the agent's simulated nodes, and on churned nodes labelled role=edge. */
export const FLEET = {
  everywhere: (revision: string) => daemonSet('everywhere', revision),
  simulated: (revision: string) => daemonSet('simulated', revision, SIMULATED),
  edge: (revision: string) => daemonSet('edge', revision, { role: 'edge' }),
};

export interface FaultClusterOptions {
  label: string;
  /** Simulated nodes of the node agent; 0 starts no agent. */
  agentNodes?: number;
  gateway?: boolean;
  /** Environment of every service. */
  env?: Record<string, string>;
  agentEnv?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const AGENT_ENV = { POD_START_DELAY_MS: '1000', HEARTBEAT_INTERVAL_MS: '2000', AGENT_ID: 'faults' };

export class FaultCluster {
  readonly store: EventStore;
  private readonly auditor: LogAuditor;
  /** Commands that give up after 3 s: a driver must not hang on a service that was just killed. */
  readonly commands: JetStreamClient;

  private constructor(
    readonly servers: PrivateServers,
    readonly stack: Stack,
    readonly options: FaultClusterOptions,
  ) {
    this.store = new EventStore(stack.db.adminDataSource);
    this.auditor = new LogAuditor(stack.db.adminDataSource);
    this.commands = new JetStreamClient({ servers: stack.natsUrl, prefix: stack.prefix, timeoutMs: 3000 });
  }

  static async start(options: FaultClusterOptions): Promise<FaultCluster> {
    const servers = await PrivateServers.start();
    let stack: Stack | undefined;
    try {
      stack = await Stack.create(options.label, options.env ?? {}, servers.urls);
      const cluster = new FaultCluster(servers, stack, options);
      await Promise.all([stack.startAll(), ...(options.gateway ? [stack.start('api-gateway')] : [])]);
      await cluster.send(COMMANDS.namespaceCreate, { meta: meta(), name: NAMESPACE });
      if (options.agentNodes) await cluster.startAgent();
      return cluster;
    } catch (error) {
      await stack?.teardown().catch(() => undefined);
      await servers.destroy();
      throw error;
    }
  }

  async startAgent(): Promise<void> {
    await this.stack.start('node-agent', { ...AGENT_ENV, SIM_NODES: String(this.options.agentNodes), ...this.options.agentEnv });
  }

  send<T>(pattern: string, data: unknown): Promise<T> {
    return request<T>(this.commands, pattern, data);
  }

  apply(manifest: Record<string, unknown>): Promise<unknown> {
    return this.send(COMMANDS.daemonSetApply, { meta: meta('kubectl apply'), manifest });
  }

  /** The value of a series on a process' /metrics (`name` or `name{labels}`); null when absent or unreachable. */
  metric(instance: string, series: string): Promise<number | null> {
    return this.stack.metric(instance, series);
  }

  /** The sum of a labelled series over all its labels (e.g. every kind and reason of scheduler actions). */
  async metricSum(instance: string, name: string): Promise<number> {
    const text = await fetch(`http://127.0.0.1:${this.stack.ports.get(instance)}/metrics`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.text())
      .catch(() => '');
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  /** The process holding the relay lock (`everynode_relay_active 1`), if any holds it now. */
  async relayHolder(): Promise<string | undefined> {
    for (const instance of this.stack.processes.keys()) {
      if ((await this.metric(instance, 'everynode_relay_active')) === 1) return instance;
    }
    return undefined;
  }

  /** An HTTPS request to the api-gateway as the admin, verified with the cluster's CA. */
  api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const home = this.stack.gatewayHome;
    const token = (parse(readFileSync(join(home, 'kubeconfig'), 'utf8')) as { users: { user: { token: string } }[] }).users[0].user.token;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.stack.ports.get('api-gateway'),
          method,
          path,
          ca: readFileSync(join(home, 'ca.crt'), 'utf8'),
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
          },
          timeout: 20_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode!, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.end(payload);
    });
  }

  /** HTTP status of a process' /readyz (the gateway's over HTTPS); null when nothing answers. */
  async readyz(instance: string): Promise<number | null> {
    if (instance === 'api-gateway') return this.api('GET', '/readyz').then((r) => r.status, () => null);
    return fetch(`http://127.0.0.1:${this.stack.ports.get(instance)}/readyz`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => null);
  }

  /** The log audited up to its head now (see LogAuditor). */
  audit(): Promise<AuditReport> {
    return this.auditor.audit();
  }

  /**
   * Converged: the log verifies and keeps every invariant, every projection equals its rebuild, and every pod
   * on a node the agent simulates is Running and Ready (churned nodes have no kubelet: their pods stay Pending).
   */
  async waitConverged(what: string, timeoutMs = 45_000): Promise<AuditReport> {
    let last: AuditReport | undefined;
    try {
      return await waitFor(what, async () => {
        last = await this.audit();
        return problemsOf(last).length === 0 && this.unreadyAgentPods(last).length === 0 && last;
      }, timeoutMs, 500);
    } catch (error) {
      const pending = last ? [...problemsOf(last), ...this.unreadyAgentPods(last).map((p) => `not Running and Ready: ${p}`)] : [];
      throw new Error(`${(error as Error).message}\n${pending.slice(0, 20).join('\n')}${pending.length > 20 ? `\n… ${pending.length - 20} more` : ''}`);
    }
  }

  /** Pods on agent nodes that are not Running and Ready yet. */
  unreadyAgentPods(report: AuditReport): string[] {
    if (!this.options.agentNodes) return [];
    return [...report.model.pods.values()]
      .filter((p) => p.node.startsWith('sim-node-') && !(p.phase === 'Running' && p.ready))
      .map((p) => `${p.namespace}/${p.name} on ${p.node} (${p.phase})`);
  }

  /**
   * The events JetStream holds (the relay packs runs of them into one message), and how many distinct
   * positions: equal when the relay's duplicates were dropped.
   */
  async jetStreamEvents(): Promise<{ events: number; distinct: number }> {
    const nc: NatsConnection = await this.commands.connect();
    const stream = subjects(this.stack.prefix).eventsStream;
    const { state } = await (await jetstreamManager(nc)).streams.info(stream);
    const positions = new Set<number>();
    let events = 0;
    if (state.messages === 0) return { events, distinct: 0 };
    const messages = await (await jetstream(nc).consumers.get(stream)).consume();
    for await (const m of messages) {
      for (const e of decodeEventMessage(m.data)) {
        events++;
        positions.add(e.position);
      }
      if (m.seq >= state.last_seq) break;
    }
    return { events, distinct: positions.size };
  }

  /** Messages a durable consumer has yet to deliver, and delivered but not acknowledged. */
  async consumerLag(durable: string): Promise<{ pending: number; unacked: number }> {
    const nc: NatsConnection = await this.commands.connect();
    const info = await (await jetstreamManager(nc)).consumers.info(subjects(this.stack.prefix).eventsStream, durable);
    return { pending: info.num_pending, unacked: info.num_ack_pending };
  }

  async teardown(): Promise<void> {
    await this.commands.close().catch(() => undefined);
    await this.stack.teardown().catch(() => undefined);
    await this.servers.destroy();
  }
}

/**
 * Nodes joining and leaving a few times a second (`pool` names, every other one labelled role=edge). A command
 * that fails (its service is down) is counted, not retried: churn is load, the log says what happened.
 */
export class NodeChurn {
  readonly stats = { joins: 0, leaves: 0, failures: 0 };
  private readonly joined = new Set<string>();
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly ops: { join(name: string, labels: Record<string, string>): Promise<unknown>; leave(name: string): Promise<unknown> },
    private readonly pool: string[],
    private readonly everyMs = 250,
  ) {}

  /** Churn through the cluster's node registry over NATS. */
  static viaCommands(cluster: FaultCluster, pool: string[], everyMs?: number): NodeChurn {
    return new NodeChurn(
      {
        join: (name, labels) => cluster.send(COMMANDS.nodeJoin, { meta: meta('churn'), name, labels }),
        leave: (name) => cluster.send(COMMANDS.nodeLeave, { meta: meta('churn'), name }),
      },
      pool,
      everyMs,
    );
  }

  start(): this {
    this.stopping = false;
    this.running = this.loop();
    return this;
  }

  async stop(): Promise<NodeChurn['stats']> {
    this.stopping = true;
    await this.running;
    return this.stats;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const name = this.pool[Math.floor(Math.random() * this.pool.length)];
      const index = this.pool.indexOf(name);
      try {
        if (this.joined.has(name)) {
          await this.ops.leave(name);
          this.joined.delete(name);
          this.stats.leaves++;
        } else {
          await this.ops.join(name, index % 2 === 0 ? { role: 'edge' } : {});
          this.joined.add(name);
          this.stats.joins++;
        }
      } catch (error) {
        this.stats.failures++;
        // A leave of a node that is not there: it never joined (that join failed); try joining next time.
        if (isKubeStatus(error) && error.code === 404) this.joined.delete(name);
        // A join of a node that is there: an earlier join was applied but its answer lost (e.g. the 503 of a
        // write in flight when NATS dropped); it leaves next time.
        if (isKubeStatus(error) && error.code === 409) this.joined.add(name);
      }
      await new Promise((r) => setTimeout(r, this.everyMs));
    }
  }
}

export const churnPool = (count: number) => Array.from({ length: count }, (_, i) => `churn-${String(i + 1).padStart(2, '0')}`);
