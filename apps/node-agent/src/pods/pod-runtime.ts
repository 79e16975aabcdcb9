// The pods of this agent's nodes and their simulated lifecycle: Pending on assignment, Running and Ready
// with an IP from the node's pod CIDR after the start delay (±20%). Only changes are reported, and the
// log already says Pending for a scheduled pod, so the first report is Running.
//
// Two inputs meet here: pod events (in log order, from this agent's durable consumer) and full pod lists
// (level-triggered resyncs). Log positions keep them from undoing each other: a list taken at position L
// knows nothing of events after L, and every event up to L is reflected in it.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { COMMANDS } from '@everynode/contracts';
import type { PodPhase, PodRecord } from '@everynode/contracts';
import { JetStreamClient, request } from '@everynode/messaging';
import { MetricsRegistry } from '@everynode/platform';
import type { AgentConfig } from '../config/agent-config';
import { AGENT_CONFIG, SimulatedKubelets } from '../kubelet/simulated-kubelets';
import { ImageFailures } from './image-failures';
import { IpAllocator } from './ip-allocator';
import { reportCommand, StatusReporter } from './status-reporter';

export interface Assignment {
  namespace: string;
  pod: string;
  uid: string;
  node: string;
  /** The DaemonSet's name; null for an orphan. */
  daemonSet: string | null;
  templateHash: string;
}

interface LocalPod extends Assignment {
  key: string;
  /** Log position of the latest event or list this agent applied for the pod. */
  position: number;
  phase: PodPhase;
  ready: boolean;
  podIP?: string;
  restarts: number;
  reason?: string;
  timer?: NodeJS.Timeout;
}

const PHASES: PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
/** The scheduler's answer to a batch of reports: `unknown` are pods it no longer has. */
interface ReportReply {
  recorded: number;
  unchanged: number;
  unknown: string[];
}

/** A finished pod's sandbox is gone: its address (still shown in its status) is free for others. */
const holdsIp = (pod: LocalPod) => pod.podIP !== undefined && pod.phase !== 'Failed' && pod.phase !== 'Succeeded';
/** How soon a pod whose node has not joined yet (no pod CIDR) tries to start again. */
const NODE_WAIT_MS = 500;

@Injectable()
export class PodRuntime implements OnApplicationShutdown {
  private readonly logger = new Logger('node-agent');
  private readonly pods = new Map<string, LocalPod>();
  /** The same pods by node: a list of a slice of nodes looks only at theirs. */
  private readonly podsOnNode = new Map<string, Set<LocalPod>>();
  private readonly ips = new Map<string, IpAllocator>();
  /** Pods removed after the last list of their node: a list taken before the removal must not bring them back. */
  private readonly tombstones = new Map<string, { position: number; node: string }>();
  /** Position of the newest list of every node, and of some nodes (a resync slice): see listedAt(). */
  private listedAll = 0;
  private readonly listedNode = new Map<string, number>();
  private readonly reporter: StatusReporter;
  private readonly byPhase = new Map<PodPhase, number>();
  private readonly phaseGauge: ReturnType<MetricsRegistry['gauge']>;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    private readonly kubelets: SimulatedKubelets,
    private readonly images: ImageFailures,
    client: JetStreamClient,
    metrics: MetricsRegistry,
  ) {
    const sent = metrics.counter('agent_pod_reports_sent_total', 'Pod status reports the scheduler accepted.');
    const failed = metrics.counter('agent_pod_report_failures_total', 'Pod status report batches that failed.');
    this.reporter = new StatusReporter(
      async (batch) => {
        const reply = await request<ReportReply>(client, COMMANDS.podReportStatus, reportCommand(batch, config.agentId));
        sent.inc({}, batch.length);
        // Removed meanwhile: its PodRemoved is on the way, and nothing of it runs here any more.
        for (const key of reply?.unknown ?? []) this.dropGone(key);
      },
      (key) => this.pods.has(key),
      (err, reports, willRetry) => {
        failed.inc({ retried: String(willRetry) });
        this.logger.warn(`status report of ${reports.length} pods failed (${(err as Error)?.message ?? JSON.stringify(err)}); ${willRetry ? 'retrying' : 'dropped'}`);
      },
    );
    metrics.gaugeFn('agent_pod_reports_queued', 'Pod status reports waiting to be sent.', () => this.reporter.backlog);
    this.phaseGauge = metrics.gauge('agent_pods', 'Pods on the nodes of this agent, by phase.');
    for (const phase of PHASES) this.count(phase, 0);
    kubelets.onNodeDeleted((node) => this.dropNode(node));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const pod of this.pods.values()) clearTimeout(pod.timer);
    await this.reporter.close();
  }

  /** PodScheduled. */
  assign(a: Assignment, position: number): void {
    // At or before the newest list of its node, a pod the list did not bring is gone already.
    if (!this.kubelets.owns(a.node) || position <= this.listedAt(a.node)) return;
    const key = `${a.namespace}/${a.pod}`;
    if ((this.tombstones.get(key)?.position ?? 0) > position) return;
    const local = this.pods.get(key);
    if (local?.uid === a.uid) return; // a redelivery
    if (local) this.drop(local);
    this.track({ ...a, key, position, phase: 'Pending', ready: false, restarts: 0 });
  }

  /** PodRemoved: the pod stops and its IP is free again. */
  remove(namespace: string, pod: string, node: string, position: number): void {
    if (!this.kubelets.owns(node)) return;
    const key = `${namespace}/${pod}`;
    this.tombstones.set(key, { position, node });
    const local = this.pods.get(key);
    if (local && local.position < position) this.drop(local);
  }

  /** PodOrphaned: the pod keeps running, without its DaemonSet. */
  orphan(namespace: string, pod: string, position: number): void {
    const local = this.pods.get(`${namespace}/${pod}`);
    if (local) Object.assign(local, { daemonSet: null, position: Math.max(local.position, position) });
  }

  /**
   * Converges on the pod list taken at `listPosition` of `nodes` (default: every node of this agent): adopts
   * what is new on them (an agent that restarted takes its pods back as they were), drops what the list says
   * is gone, and reports again what the scheduler has not recorded.
   */
  resync(items: PodRecord[], listPosition: number, nodes?: ReadonlySet<string>): void {
    const covers = (node: string) => !nodes || nodes.has(node);
    const listed = new Set<string>();
    for (const rec of items) {
      if (!this.kubelets.owns(rec.node) || !covers(rec.node)) continue;
      const key = `${rec.namespace}/${rec.name}`;
      listed.add(key);
      const local = this.pods.get(key);
      if (local?.uid === rec.uid) this.reportIfUnrecorded(local, rec);
      else if ((this.tombstones.get(key)?.position ?? 0) <= listPosition) {
        if (local) this.drop(local);
        this.adopt(rec);
      }
    }
    const judged = nodes ? [...nodes].flatMap((node) => [...(this.podsOnNode.get(node) ?? [])]) : [...this.pods.values()];
    for (const pod of judged) if (!listed.has(pod.key) && pod.position <= listPosition) this.drop(pod);
    for (const [key, t] of this.tombstones) if (t.position <= listPosition && covers(t.node)) this.tombstones.delete(key);
    if (!nodes) this.listedAll = Math.max(this.listedAll, listPosition);
    else for (const node of nodes) this.listedNode.set(node, Math.max(this.listedNode.get(node) ?? 0, listPosition));
  }

  private listedAt(node: string): number {
    return Math.max(this.listedAll, this.listedNode.get(node) ?? 0);
  }

  get size(): number {
    return this.pods.size;
  }

  private adopt(rec: PodRecord): void {
    const pod: LocalPod = {
      namespace: rec.namespace,
      pod: rec.name,
      uid: rec.uid,
      node: rec.node,
      daemonSet: rec.daemonSet ? rec.daemonSet.slice(rec.daemonSet.indexOf('/') + 1) : null, // "ns/name"
      templateHash: rec.templateHash,
      key: `${rec.namespace}/${rec.name}`,
      position: Number(rec.resourceVersion) || 0,
      phase: 'Pending',
      ready: false,
      restarts: rec.restarts,
    };
    if (rec.phase === 'Failed' || rec.phase === 'Succeeded') {
      return this.track({ ...pod, phase: rec.phase, podIP: rec.podIP });
    }
    // What ran here before a restart keeps running at its address (and is Running again if it was Unknown).
    const wasRunning = (rec.phase === 'Running' || rec.phase === 'Unknown') && rec.podIP && this.allocator(pod.node)?.reserve(rec.podIP);
    if (!wasRunning) return this.track(pod);
    this.track({ ...pod, phase: 'Running', ready: rec.ready, podIP: rec.podIP });
    this.running(this.pods.get(pod.key)!, rec.phase !== 'Running');
  }

  /** Starts tracking a pod; a Pending one gets its start timer. */
  private track(pod: LocalPod): void {
    this.pods.set(pod.key, pod);
    let onNode = this.podsOnNode.get(pod.node);
    if (!onNode) this.podsOnNode.set(pod.node, (onNode = new Set()));
    onNode.add(pod);
    this.count(pod.phase, 1);
    if (pod.phase === 'Pending') this.later(pod, this.jittered(), () => this.start(pod));
  }

  private drop(pod: LocalPod): void {
    clearTimeout(pod.timer);
    if (holdsIp(pod)) this.ips.get(pod.node)?.release(pod.podIP!);
    this.reporter.forget(pod.key);
    this.pods.delete(pod.key);
    const onNode = this.podsOnNode.get(pod.node);
    onNode?.delete(pod);
    if (onNode?.size === 0) this.podsOnNode.delete(pod.node);
    this.count(pod.phase, -1);
  }

  private dropGone(key: string): void {
    const pod = this.pods.get(key);
    if (pod) this.drop(pod);
  }

  private dropNode(node: string): void {
    for (const pod of [...(this.podsOnNode.get(node) ?? [])]) this.drop(pod);
    this.ips.delete(node);
  }

  private start(pod: LocalPod): void {
    const ips = this.allocator(pod.node);
    if (!ips) return this.later(pod, NODE_WAIT_MS, () => this.start(pod));
    const ip = ips.allocate();
    if (!ip) {
      this.logger.warn(`no free pod IP in ${ips.cidr} of ${pod.node}: ${pod.key} stays Pending`);
      return this.later(pod, this.jittered(), () => this.start(pod));
    }
    pod.podIP = ip;
    this.setPhase(pod, 'Running');
    this.running(pod, true);
  }

  /** A running pod is Ready, unless its image is one of the failing ones: then it fails a start delay later. */
  private running(pod: LocalPod, changed: boolean): void {
    void this.images.willFail(pod).then((fails) => {
      if (this.pods.get(pod.key) !== pod || pod.phase !== 'Running') return;
      const ready = !fails;
      if (changed || pod.ready !== ready) {
        pod.ready = ready;
        this.report(pod);
      }
      if (!fails) return;
      this.later(pod, this.jittered(), () => {
        this.ips.get(pod.node)?.release(pod.podIP!);
        this.setPhase(pod, 'Failed');
        Object.assign(pod, { ready: false, reason: 'Error' });
        this.report(pod);
      });
    });
  }

  /** After a list: when the log disagrees with what runs here and no report is waiting, report again. */
  private reportIfUnrecorded(pod: LocalPod, rec: PodRecord): void {
    pod.position = Math.max(pod.position, Number(rec.resourceVersion) || 0);
    if (pod.phase === 'Pending' || this.reporter.isPending(pod.key)) return;
    const same = rec.phase === pod.phase && rec.ready === pod.ready && rec.podIP === pod.podIP && rec.restarts === pod.restarts;
    if (!same) this.report(pod);
  }

  private report(pod: LocalPod): void {
    const { namespace, pod: name, node, phase, ready, podIP, restarts, reason } = pod;
    this.reporter.report({ namespace, pod: name, node, phase, ready, podIP, restarts, ...(reason ? { reason } : {}) });
  }

  private allocator(node: string): IpAllocator | undefined {
    let ips = this.ips.get(node);
    const cidr = this.kubelets.podCidr(node);
    if (!ips && cidr) {
      ips = new IpAllocator(cidr);
      this.ips.set(node, ips);
    }
    return ips;
  }

  private later(pod: LocalPod, ms: number, fn: () => void): void {
    clearTimeout(pod.timer);
    pod.timer = setTimeout(() => {
      pod.timer = undefined;
      if (this.pods.get(pod.key) === pod) fn();
    }, ms);
  }

  private jittered(): number {
    return Math.round(this.config.podStartDelayMs * (0.8 + 0.4 * Math.random()));
  }

  private setPhase(pod: LocalPod, phase: PodPhase): void {
    this.count(pod.phase, -1);
    pod.phase = phase;
    this.count(phase, 1);
  }

  private count(phase: PodPhase, by: number): void {
    const n = (this.byPhase.get(phase) ?? 0) + by;
    this.byPhase.set(phase, n);
    this.phaseGauge.set(n, { phase });
  }
}
