// POD_FAIL_IMAGES simulates broken images for tests and benchmarks. A pod event names no image, so the
// DaemonSet's template is fetched once per template hash — and never when no failing image is configured.
import { Inject, Injectable } from '@nestjs/common';
import { COMMANDS } from '@everynode/contracts';
import type { DaemonSetRecord } from '@everynode/contracts';
import { JetStreamClient, request } from '@everynode/messaging';
import type { AgentConfig } from '../config/agent-config';
import { AGENT_CONFIG } from '../kubelet/simulated-kubelets';

export function runsFailingImage(ds: DaemonSetRecord, patterns: string[]): boolean {
  const spec = ds.object.spec.template.spec;
  const images = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? '');
  return images.some((image) => patterns.some((p) => image.includes(p)));
}

@Injectable()
export class ImageFailures {
  private readonly byTemplate = new Map<string, boolean>();

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    private readonly client: JetStreamClient,
  ) {}

  async willFail(pod: { namespace: string; daemonSet: string | null; templateHash: string }): Promise<boolean> {
    if (this.config.failImages.length === 0 || !pod.daemonSet) return false;
    const key = `${pod.namespace}/${pod.daemonSet}@${pod.templateHash}`;
    const known = this.byTemplate.get(key);
    if (known !== undefined) return known;
    try {
      const ds = await request<DaemonSetRecord>(this.client, COMMANDS.daemonSetGet, { namespace: pod.namespace, name: pod.daemonSet });
      const fails = runsFailingImage(ds, this.config.failImages);
      // Only the template the pod was made from tells its image; a newer one is not cached for it.
      if (ds.templateHash === pod.templateHash) this.byTemplate.set(key, fails);
      return fails;
    } catch {
      return false; // the DaemonSet is gone: its pod is about to go too
    }
  }
}
