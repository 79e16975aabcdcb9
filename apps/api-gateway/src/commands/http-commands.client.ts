// The services' command handlers over their HTTP port (POST /internal/commands/<pattern>, the same request
// and reply as over NATS): the gateway's way to them while NATS is down, so API writes keep being accepted.
import { COMMANDS } from '@everynode/contracts';
import { DEFAULT_PORTS, INTERNAL_TOKEN_HEADER } from '@everynode/platform';
import type { CommandReply } from '@everynode/messaging';

type Service = 'node-registry' | 'daemonset-spec' | 'scheduler';

/** Which service serves each command (the owner of its streams). */
const OWNERS: Record<string, Service> = {
  [COMMANDS.nodeJoin]: 'node-registry',
  [COMMANDS.nodeJoinMany]: 'node-registry',
  [COMMANDS.nodeUpdate]: 'node-registry',
  [COMMANDS.nodeLeave]: 'node-registry',
  [COMMANDS.nodeHeartbeat]: 'node-registry',
  [COMMANDS.nodeGet]: 'node-registry',
  [COMMANDS.nodeList]: 'node-registry',
  [COMMANDS.daemonSetApply]: 'daemonset-spec',
  [COMMANDS.daemonSetDelete]: 'daemonset-spec',
  [COMMANDS.daemonSetGet]: 'daemonset-spec',
  [COMMANDS.daemonSetList]: 'daemonset-spec',
  [COMMANDS.namespaceCreate]: 'daemonset-spec',
  [COMMANDS.namespaceDelete]: 'daemonset-spec',
  [COMMANDS.namespaceGet]: 'daemonset-spec',
  [COMMANDS.namespaceList]: 'daemonset-spec',
  [COMMANDS.podList]: 'scheduler',
  [COMMANDS.podReportStatus]: 'scheduler',
  [COMMANDS.podDelete]: 'scheduler',
  [COMMANDS.daemonSetStatus]: 'scheduler',
};

const URL_VARS: Record<Service, string> = {
  'node-registry': 'NODE_REGISTRY_URL',
  'daemonset-spec': 'DAEMONSET_SPEC_URL',
  scheduler: 'SCHEDULER_URL',
};

export class HttpCommandClient {
  constructor(
    private readonly urls: Record<Service, string>,
    /** INTERNAL_COMMANDS_TOKEN, for services that do not take loopback callers on trust. */
    private readonly token: string | undefined,
    private readonly timeoutMs = 15_000,
  ) {}

  /** NODE_REGISTRY_URL, DAEMONSET_SPEC_URL, SCHEDULER_URL; each defaults to the service's port on this machine. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): HttpCommandClient {
    const urls = {} as Record<Service, string>;
    for (const [service, name] of Object.entries(URL_VARS) as [Service, string][]) {
      urls[service] = (env[name] || `http://127.0.0.1:${DEFAULT_PORTS[service]}`).replace(/\/+$/, '');
    }
    return new HttpCommandClient(urls, env.INTERNAL_COMMANDS_TOKEN || undefined);
  }

  /**
   * Resolves with the handler's answer; rejects with the service's refusal as it sent it (e.g. a Kubernetes
   * Status object), or with an Error when the service could not be reached.
   */
  async send<T>(pattern: string, data: unknown): Promise<T> {
    const owner = OWNERS[pattern];
    if (!owner) throw new Error(`no service is known to serve ${pattern} over HTTP`);
    const res = await fetch(`${this.urls[owner]}/internal/commands/${encodeURIComponent(pattern)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { [INTERNAL_TOKEN_HEADER]: this.token } : {}) },
      body: JSON.stringify({ data }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status !== 200) throw new Error(`${owner} answered ${res.status} to ${pattern}: ${(await res.text()).slice(0, 200)}`);
    const reply = (await res.json()) as CommandReply<T>;
    if ('err' in reply) throw reply.err;
    return reply.response;
  }
}
