// `everynode`: operate a running stack from the shell over the same NATS commands the services serve.
import './v8-flags';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { COMMANDS, isKubeStatus } from '@everynode/contracts';
import type { DaemonSetRecord, DaemonSetStatus, KubeStatus, NamespaceRecord, NodeRecord, PodRecord, PropagationPolicy } from '@everynode/contracts';
import { JetStreamClient, request } from '@everynode/messaging';
import { exportCommand, Flags, historyCommand, logCommand, replayCommand, stateCommand, verifyCommand } from './audit/audit.commands';
import { humanAge, table } from './format';
import { tokenCommand, TOKEN_USAGE } from './token/token.command';

const USAGE = `everynode — operate an everynode stack (NATS_URL, NATS_PREFIX as for npm start)

  everynode nodes                              list nodes
  everynode namespaces                         list namespaces
  everynode create namespace NAME              create a namespace
  everynode join NAME [k=v ...]                register a node (with labels)
  everynode label NODE k=v | k- ...            set or remove node labels
  everynode leave NAME                         remove a node (its pods go)
  everynode apply -f FILE [-n NAMESPACE]       create or update a DaemonSet from a manifest
  everynode ds [-n NAMESPACE]                  list DaemonSets with their status
  everynode delete ds NAME [-n NS] [--cascade=background|foreground|orphan]
  everynode pods [-n NAMESPACE]                list pods

Audit (reads the event log in PostgreSQL: DATABASE_URL):
  everynode log [--from POS] [--stream S] [--type T] [--follow] [-o table|json]
  everynode history pod/NS/NAME | node/NAME | ds/NS/NAME   one object's timeline with its causes
  everynode state [--at POSITION|RFC3339]      nodes, DaemonSets and pods as they were then
  everynode replay [--to POS|TIME] [--verify]  rebuild every projection from the log (and compare)
  everynode verify                             the log's hash chain and the cluster's invariants
  everynode export [--from] [--to] > audit.ndjson

${TOKEN_USAGE}`;

const AUDIT: Record<string, (positional: string[], flags: Flags) => Promise<number>> = {
  log: (_p, f) => logCommand(f),
  history: (p) => historyCommand(p[0]),
  state: (_p, f) => stateCommand(f),
  replay: (_p, f) => replayCommand(f),
  verify: () => verifyCommand(),
  export: (_p, f) => exportCommand(f),
};

/** `--name value`, `--name=value`, `-o value`, and bare `--switch`. */
function parseFlags(args: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  const SWITCHES = new Set(['follow', 'verify']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = a.match(/^--?([a-zA-Z-]+)(?:=(.*))?$/);
    if (!m) positional.push(a);
    else if (m[2] !== undefined) flags[m[1]] = m[2];
    else if (SWITCHES.has(m[1])) flags[m[1]] = true;
    else flags[m[1]] = args[++i];
  }
  return { positional, flags };
}

function flag(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args.splice(i, 2)[1];
      if (args[i].startsWith(`${n}=`)) return args.splice(i, 1)[0].slice(n.length + 1);
    }
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const command = args.shift();
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  if (command === 'token') return tokenCommand(args);
  if (AUDIT[command]) {
    try {
      const { positional, flags } = parseFlags(args);
      return await AUDIT[command](positional, flags);
    } catch (error) {
      console.error(describe(error));
      return 1;
    }
  }
  const client = new JetStreamClient({
    servers: process.env.NATS_URL || 'nats://127.0.0.1:4222',
    prefix: process.env.NATS_PREFIX || 'everynode',
    timeoutMs: 15_000,
  });
  const meta = () => ({ actor: `cli:${process.env.USER ?? userInfo().username}`, requestId: randomUUID(), request: `everynode ${argv.join(' ')}` });
  const send = <T>(pattern: string, data: unknown) => request<T>(client, pattern, data);
  try {
    const namespace = flag(args, ['-n', '--namespace']);
    switch (command) {
      case 'nodes': {
        const nodes = await send<NodeRecord[]>(COMMANDS.nodeList, {});
        console.log(
          table(
            ['NAME', 'STATUS', 'AGE', 'POD CIDR', 'LABELS'],
            nodes.map((n) => [
              n.name,
              (n.ready === 'True' ? 'Ready' : n.ready === 'False' ? 'NotReady' : 'Unknown') + (n.unschedulable ? ',SchedulingDisabled' : ''),
              humanAge(n.createdAt),
              n.podCIDR,
              Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(','),
            ]),
          ),
        );
        return 0;
      }
      case 'namespaces':
      case 'ns': {
        const list = await send<NamespaceRecord[]>(COMMANDS.namespaceList, {});
        console.log(table(['NAME', 'STATUS', 'AGE'], list.map((n) => [n.name, n.phase, humanAge(n.createdAt)])));
        return 0;
      }
      case 'create': {
        const [kind, name] = args;
        if (!['namespace', 'ns'].includes(kind) || !name) throw new Error('create supports: create namespace NAME');
        await send(COMMANDS.namespaceCreate, { meta: meta(), name });
        console.log(`namespace/${name} created`);
        return 0;
      }
      case 'join': {
        const [name, ...pairs] = args;
        const labels = Object.fromEntries(pairs.map((p) => p.split('=', 2) as [string, string]));
        await send(COMMANDS.nodeJoin, { meta: meta(), name, labels });
        console.log(`node/${name} joined`);
        return 0;
      }
      case 'label': {
        const [name, ...pairs] = args;
        const node = await send<NodeRecord>(COMMANDS.nodeGet, { name });
        const labels = { ...node.labels };
        for (const p of pairs) {
          if (p.endsWith('-')) delete labels[p.slice(0, -1)];
          else {
            const [k, v] = p.split('=', 2);
            labels[k] = v ?? '';
          }
        }
        await send(COMMANDS.nodeUpdate, { meta: meta(), name, labels, resourceVersion: node.resourceVersion });
        console.log(`node/${name} labeled`);
        return 0;
      }
      case 'leave': {
        await send(COMMANDS.nodeLeave, { meta: meta(), name: args[0] });
        console.log(`node "${args[0]}" deleted`);
        return 0;
      }
      case 'apply': {
        const file = flag(args, ['-f', '--filename']);
        if (!file) throw new Error('apply needs -f FILE');
        const manifest = readFileSync(file === '-' ? 0 : file, 'utf8');
        const res = await send<{ object: { metadata: { name: string } }; outcome: string }>(COMMANDS.daemonSetApply, {
          meta: meta(),
          manifest,
          namespace,
        });
        console.log(`daemonset.apps/${res.object.metadata.name} ${res.outcome}`);
        return 0;
      }
      case 'ds':
      case 'daemonsets': {
        const list = await send<DaemonSetRecord[]>(COMMANDS.daemonSetList, { namespace });
        const rows: string[][] = [];
        for (const { object } of list) {
          const st = await send<DaemonSetStatus>(COMMANDS.daemonSetStatus, { namespace: object.metadata.namespace, name: object.metadata.name }).catch(() => null);
          const sel = object.spec.template.spec.nodeSelector ?? {};
          rows.push([
            ...(namespace ? [] : [object.metadata.namespace!]),
            object.metadata.name!,
            String(st?.desiredNumberScheduled ?? 0),
            String(st?.currentNumberScheduled ?? 0),
            String(st?.numberReady ?? 0),
            String(st?.updatedNumberScheduled ?? 0),
            String(st?.numberAvailable ?? 0),
            Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',') || '<none>',
            humanAge(object.metadata.creationTimestamp!),
          ]);
        }
        const header = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'];
        console.log(table(namespace ? header : ['NAMESPACE', ...header], rows));
        return 0;
      }
      case 'delete': {
        const [kind, name] = args;
        if (!['ds', 'daemonset', 'daemonsets'].includes(kind)) throw new Error('delete supports: delete ds NAME');
        const cascade = (flag(args, ['--cascade']) ?? 'background').toLowerCase();
        const propagationPolicy = (cascade[0].toUpperCase() + cascade.slice(1)) as PropagationPolicy;
        await send(COMMANDS.daemonSetDelete, { meta: meta(), namespace: namespace ?? 'default', name, propagationPolicy });
        console.log(`daemonset.apps "${name}" deleted`);
        return 0;
      }
      case 'pods': {
        const { items } = await send<{ items: PodRecord[] }>(COMMANDS.podList, { namespace });
        console.log(
          table(
            [...(namespace ? [] : ['NAMESPACE']), 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
            items.map((p) => [
              ...(namespace ? [] : [p.namespace]),
              p.name,
              p.ready ? '1/1' : '0/1',
              p.phase,
              String(p.restarts),
              humanAge(p.createdAt),
              p.podIP ?? '<none>',
              p.node,
            ]),
          ),
        );
        return 0;
      }
      default:
        console.error(`unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    console.error(describe(error));
    return 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  if (isKubeStatus(error)) {
    const s = error as KubeStatus;
    const causes = s.details?.causes ?? [];
    return `Error from server (${s.reason}): ${s.message}` + (causes.length > 1 ? '\n' + causes.map((c) => `* ${c.field}: ${c.message}`).join('\n') : '');
  }
  const message = (error as Error)?.message ?? String(error);
  if (/TIMEOUT|timeout|503|no responders/i.test(message)) {
    return `${message}: is the stack running? Start it with \`npm start\` (NATS_URL=${process.env.NATS_URL || 'nats://127.0.0.1:4222'}).`;
  }
  return message;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
