// `kubectl delete pod`: the scheduler removes the pod and, as upstream, its DaemonSet makes a new one.
import { Injectable } from '@nestjs/common';
import { COMMANDS } from '@everynode/contracts';
import { type Caller, CommandBus } from '../commands/command-bus.service';
import { KINDS, type KubeObject } from '../read-model/kinds';
import { KubeObjects } from '../read-model/kube-objects.service';

@Injectable()
export class PodWrites {
  constructor(
    private readonly bus: CommandBus,
    private readonly objects: KubeObjects,
  ) {}

  /** Answers with the pod as it was; kubectl then waits for the 404. */
  async delete(namespace: string, name: string, caller: Caller): Promise<KubeObject> {
    const pod = this.objects.require(KINDS.pods, namespace, name);
    await this.bus.send(COMMANDS.podDelete, { namespace, name }, caller);
    return pod;
  }
}
