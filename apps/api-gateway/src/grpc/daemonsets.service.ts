// everynode.v1.DaemonSets: the spec service validates and stores; reads and watches come from the view.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { COMMANDS, notFound } from '@everynode/contracts';
import type { ApplyDaemonSetCommand, DaemonSet, PropagationPolicy } from '@everynode/contracts';
import { podKey } from '@everynode/read-models';
import type { CallHandlers } from './call-handlers';
import type { GrpcDeps } from './grpc-deps';
import { invalidArgument, required } from './grpc-errors';
import { daemonSetMessage, type ProtoStruct, structToJson } from './messages';
import { runWatch, type WatchSource } from './watch';

interface ApplyRequest {
  manifest?: 'manifestText' | 'manifestObject';
  manifestText?: string;
  manifestObject?: ProtoStruct | null;
  namespace: string;
  mode: string;
  dryRun: boolean;
  resourceVersion: string;
}

const MODES: Record<string, ApplyDaemonSetCommand['mode']> = {
  APPLY_MODE_APPLY: 'apply',
  APPLY_MODE_CREATE: 'create',
  APPLY_MODE_UPDATE: 'update',
};

const POLICIES: Record<string, PropagationPolicy> = {
  PROPAGATION_POLICY_UNSPECIFIED: 'Background',
  PROPAGATION_POLICY_BACKGROUND: 'Background',
  PROPAGATION_POLICY_FOREGROUND: 'Foreground',
  PROPAGATION_POLICY_ORPHAN: 'Orphan',
};

export function daemonSetsService(deps: GrpcDeps, calls: CallHandlers): UntypedServiceImplementation {
  const model = () => deps.view.model;

  return {
    Apply: calls.unary('write', async (req: ApplyRequest, ctx) => {
      const manifest =
        req.manifest === 'manifestText' ? req.manifestText : req.manifest === 'manifestObject' ? structToJson(req.manifestObject) : undefined;
      if (!manifest) throw invalidArgument('manifest: Required value: send manifest_text or manifest_object', 'manifest');
      const mode = MODES[req.mode];
      if (!mode) throw invalidArgument(`mode: Unsupported value: "${req.mode}"`, 'mode');
      const cmd: Omit<ApplyDaemonSetCommand, 'meta'> = {
        manifest,
        mode,
        dryRun: req.dryRun,
        ...(req.namespace ? { namespace: req.namespace } : {}),
        ...(req.resourceVersion ? { resourceVersion: req.resourceVersion } : {}),
      };
      const reply = await ctx.command<{ object: DaemonSet; outcome: string }>(COMMANDS.daemonSetApply, { ...cmd });
      const { namespace, name } = reply.object.metadata;
      const stored = req.dryRun ? undefined : model().daemonSet(podKey(namespace!, name!));
      return { outcome: reply.outcome, daemonSet: daemonSetMessage(stored ?? reply.object) };
    }),

    Get: calls.unary('read', async (req: { namespace: string; name: string }) => {
      const name = required(req.name, 'name');
      const ds = model().daemonSet(podKey(req.namespace || 'default', name));
      if (!ds) throw notFound('daemonsets.apps', name);
      return daemonSetMessage(ds);
    }),

    List: calls.unary('read', async (req: { namespace: string }) => {
      const items = [...model().daemonSets.keys()]
        .flatMap((key) => model().daemonSet(key) ?? [])
        .filter((ds) => !req.namespace || ds.metadata.namespace === req.namespace)
        .sort((a, b) => podKey(a.metadata.namespace!, a.metadata.name!).localeCompare(podKey(b.metadata.namespace!, b.metadata.name!)));
      return { items: items.map(daemonSetMessage), resourceVersion: String(model().position) };
    }),

    Delete: calls.unary('write', async (req: { namespace: string; name: string; propagationPolicy: string }, ctx) => {
      const name = required(req.name, 'name');
      const propagationPolicy = POLICIES[req.propagationPolicy];
      if (!propagationPolicy) throw invalidArgument(`propagation_policy: Unsupported value: "${req.propagationPolicy}"`, 'propagation_policy');
      const deleted = await ctx.command<DaemonSet>(COMMANDS.daemonSetDelete, { namespace: req.namespace || 'default', name, propagationPolicy });
      return daemonSetMessage(deleted);
    }),

    Watch: calls.serverStream('read', (req: { namespace: string; name: string; resourceVersion: string }, ctx) => {
      const source: WatchSource<DaemonSet> = {
        resource: 'daemonsets',
        keys: (m) => m.daemonSets.keys(),
        get: (m, key) => m.daemonSet(key),
        matches: (ds) => (!req.namespace || ds.metadata.namespace === req.namespace) && (!req.name || ds.metadata.name === req.name),
        version: (ds) => ds.metadata.resourceVersion ?? '',
        message: daemonSetMessage,
      };
      return runWatch(deps, source, req.resourceVersion, ctx);
    }),
  };
}
