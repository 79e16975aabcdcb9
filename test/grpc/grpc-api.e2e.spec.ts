// The gRPC API end to end: the real services as processes, the gRPC server in-process over TLS, and a
// client built from the .proto files, as any other language's client would be.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { parse } from 'yaml';
import { COMMANDS } from '@everynode/contracts';
import { createGrpcServer, createStandaloneGrpcDeps, statusFromMetadata, type GrpcApi, type StandaloneGrpcDeps } from '../../apps/api-gateway/src/grpc';
import { meta, NATS_URL, Stack } from '../support/stack';
import { call, collect, everynodeClients, failure, reflectionClient, toStruct } from './support/grpc-client';
import { selfSignedCertificate } from './support/self-signed';

const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');
const ADMIN = 'admin-token-0123456789';
const VIEWER = 'viewer-token-0123456789';

describe('the everynode.v1 gRPC API', () => {
  let stack: Stack;
  let deps: StandaloneGrpcDeps;
  let api: GrpcApi;
  let clients: ReturnType<typeof everynodeClients>;
  let address: string;
  let ca: string;
  /** Every event of the log once the DaemonSet's pods are placed. */
  let log: any[] = [];
  /** The pods the streamed log placed (members of its PodsScheduled), with their event's position. */
  const placements = (): { node: string; position: number }[] =>
    log.filter((e) => e.type === 'PodsScheduled').flatMap((e) => JSON.parse(e.dataJson).pods.map((p: { node: string }) => ({ node: p.node, position: e.position })));

  beforeAll(async () => {
    stack = await Stack.create('grpc');
    await stack.startAll();
    await stack.send(COMMANDS.namespaceCreate, { meta: meta(), name: 'tkr-system' });
    for (const name of ['k8s-node01', 'k8s-node02']) await stack.send(COMMANDS.nodeJoin, { meta: meta(), name });
    const tls = selfSignedCertificate();
    ca = tls.cert;
    deps = await createStandaloneGrpcDeps({
      databaseUrl: stack.db.url,
      natsUrl: NATS_URL,
      prefix: stack.prefix,
      tokens: { [ADMIN]: { name: 'alice', role: 'admin' }, [VIEWER]: { name: 'victor', role: 'viewer' } },
    });
    api = await createGrpcServer(deps, { port: 0, host: '127.0.0.1', tls });
    address = `127.0.0.1:${api.port}`;
    clients = everynodeClients(address, ca);
  }, 60_000);

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.close();
    await api?.stop(1000);
    await deps?.close();
    await stack?.teardown();
  });

  it('refuses a call without a token or with an unknown one (UNAUTHENTICATED)', async () => {
    const none = await failure(call(clients.nodes, 'List', {}));
    expect(none.code).toBe(status.UNAUTHENTICATED);
    expect(statusFromMetadata(none.metadata)).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
    expect((await failure(call(clients.nodes, 'List', {}, 'not-a-token'))).code).toBe(status.UNAUTHENTICATED);
    const watch = collect(clients.pods, 'Watch', {});
    await expect(watch.finished()).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  });

  it('lists the joined nodes for a viewer', async () => {
    const list = await call(clients.nodes, 'List', {}, VIEWER);
    expect(list.items.map((n: any) => n.name)).toEqual(['k8s-node01', 'k8s-node02']);
    expect(list.items[0]).toMatchObject({ ready: 'True', podCidr: expect.stringMatching(/\/24$/) });
    expect(Number(list.resourceVersion)).toBeGreaterThan(0);
  });

  it('applies the liberator DaemonSet and watches its two pods appear', async () => {
    const watch = collect(clients.pods, 'Watch', { namespace: 'tkr-system', daemonSet: 'liberator' }, VIEWER);
    await watch.until('the initial BOOKMARK', (items) => items.some((e) => e.type === 'BOOKMARK'));
    expect(watch.items).toHaveLength(1); // nothing yet: only the bookmark

    const applied = await call(clients.daemonSets, 'Apply', { manifestText: LIBERATOR }, ADMIN);
    expect(applied.outcome).toBe('created');
    expect(applied.daemonSet).toMatchObject({ namespace: 'tkr-system', name: 'liberator', generation: 1 });
    expect(JSON.parse(applied.daemonSet.objectJson).spec.template.spec.containers[0].image).toBe('maho/liberator:0.1');

    const events = await watch.until('two ADDED pods', (items) => items.filter((e) => e.type === 'ADDED').length === 2);
    watch.cancel();
    const added = events.filter((e) => e.type === 'ADDED');
    expect(added.map((e) => e.object.node).sort()).toEqual(['k8s-node01', 'k8s-node02']);
    for (const e of added) {
      expect(e.object).toMatchObject({ namespace: 'tkr-system', daemonSet: 'liberator', phase: 'Pending', name: expect.stringMatching(/^liberator-[a-z0-9]{5}$/) });
      expect(Number(e.resourceVersion)).toBeGreaterThan(Number(events[0].resourceVersion));
    }

    const ds = await call(clients.daemonSets, 'Get', { namespace: 'tkr-system', name: 'liberator' }, VIEWER);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0 });
    const pods = await call(clients.pods, 'List', { namespace: 'tkr-system', node: 'k8s-node02' }, VIEWER);
    expect(pods.items.map((p: any) => p.node)).toEqual(['k8s-node02']);
  });

  it('takes the manifest as a Struct too (a dry run of the same object changes nothing)', async () => {
    const object = toStruct(parse(LIBERATOR));
    const again = await call(clients.daemonSets, 'Apply', { manifestObject: object, dryRun: true }, ADMIN);
    expect(again.outcome).toBe('unchanged');
  });

  it('refuses a write to a viewer (PERMISSION_DENIED)', async () => {
    const error = await failure(call(clients.daemonSets, 'Apply', { manifestText: LIBERATOR }, VIEWER));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toContain('victor');
    expect(statusFromMetadata(error.metadata)).toMatchObject({ code: 403, reason: 'Forbidden' });
  });

  it('refuses an invalid manifest with INVALID_ARGUMENT naming the field', async () => {
    const noSelector = LIBERATOR.replace(/  selector:.*\n    matchLabels:\n      name: liberator\n/, '');
    const error = await failure(call(clients.daemonSets, 'Apply', { manifestText: noSelector }, ADMIN));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^DaemonSet\.apps "liberator" is invalid: .*spec\.selector: Required value/);
    const kube = statusFromMetadata(error.metadata)!;
    expect(kube).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(kube.details?.causes?.map((c) => c.field)).toContain('spec.selector');
  });

  it('streams the log from position 0: NodeJoined, DaemonSetCreated, PodsScheduled in order', async () => {
    const stream = collect(clients.audit, 'StreamEvents', { fromPosition: 0 }, VIEWER);
    log = await stream.finished();
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
    const first = (type: string) => log.findIndex((e) => e.type === type);
    expect(first('NodeJoined')).toBeGreaterThanOrEqual(0);
    expect(first('NodeJoined')).toBeLessThan(first('DaemonSetCreated'));
    expect(first('DaemonSetCreated')).toBeLessThan(first('PodsScheduled'));
    expect(placements()).toHaveLength(2);
    const created = log[first('DaemonSetCreated')];
    expect(created).toMatchObject({ actor: 'alice', request: 'grpc /everynode.v1.DaemonSets/Apply', stream: 'daemonset-tkr-system.liberator' });
    expect(JSON.parse(created.dataJson)).toMatchObject({ namespace: 'tkr-system', name: 'liberator', generation: 1 });
  });

  it('follows the log: a node joined over gRPC arrives, and so does its pod', async () => {
    const head = log[log.length - 1].position;
    const follow = collect(clients.audit, 'StreamEvents', { fromPosition: head + 1, follow: true, types: ['NodeJoined', 'PodsScheduled'] }, VIEWER);
    const joined = await call(clients.nodes, 'Join', { name: 'k8s-node03', labels: { zone: 'b' } }, ADMIN);
    expect(joined).toMatchObject({ name: 'k8s-node03', labels: { zone: 'b' } });
    const events = await follow.until('NodeJoined and PodScheduled of k8s-node03', (items) => items.length >= 2);
    follow.cancel();
    expect(events.map((e) => e.type)).toEqual(['NodeJoined', 'PodsScheduled']);
    expect(events[1].summary).toMatch(/^pod tkr-system\/liberator-\w{5} placed on k8s-node03$/);
  });

  it('resumes a watch from a resourceVersion: every change after it, each at the position of its event', async () => {
    const created = log.find((e) => e.type === 'DaemonSetCreated');
    const watch = collect(clients.pods, 'Watch', { namespace: 'tkr-system', resourceVersion: String(created.position) }, VIEWER);
    const events = await watch.until('three ADDED pods', (items) => items.filter((e) => e.type === 'ADDED').length === 3);
    watch.cancel();
    expect(events.map((e) => e.object.node)).toEqual([...placements().map((p) => p.node), 'k8s-node03']);
    // Pods placed by one event (a batch) share its position, as objects written in one etcd transaction share a revision.
    expect(events.slice(0, 2).map((e) => e.resourceVersion)).toEqual(placements().map((p) => String(p.position)));
    expect(events.some((e) => e.type === 'BOOKMARK')).toBe(false);
  });

  it('tells the history of a pod, back to the gRPC request that caused it', async () => {
    const pods = await call(clients.pods, 'List', { namespace: 'tkr-system', node: 'k8s-node01' }, VIEWER);
    const name = pods.items[0].name;
    const { steps } = await call(clients.audit, 'History', { object: { kind: 'pod', namespace: 'tkr-system', name } }, VIEWER);
    expect(steps[0].event.type).toBe('PodScheduled');
    expect(steps[0].summary).toBe(`pod tkr-system/${name} placed on k8s-node01`);
    // Placed because the DaemonSet was created, which this API's Apply did for alice.
    const created = log.find((e) => e.type === 'DaemonSetCreated');
    expect(steps[0].causes).toEqual([
      { position: created.position, description: expect.stringMatching(/^daemonset tkr-system\/liberator created \(generation 1, template \w+\) \(event \d+\)$/) },
      { position: 0, description: expect.stringMatching(/^grpc \/everynode\.v1\.DaemonSets\/Apply by alice \(request [0-9a-f-]{36}\)$/) },
    ]);
    const unknown = await failure(call(clients.audit, 'History', { object: { kind: 'pod', namespace: 'tkr-system', name: 'nope' } }, VIEWER));
    expect(unknown.code).toBe(status.NOT_FOUND);
  });

  it('answers the state at a past position and at a past time', async () => {
    const created = log.find((e) => e.type === 'DaemonSetCreated');
    const then = await call(clients.audit, 'StateAt', { position: created.position }, VIEWER);
    expect(then.position).toBe(created.position);
    expect(then.recordedAt).toBe(created.recordedAt);
    expect(then.nodes.map((n: any) => n.name).sort()).toEqual(['k8s-node01', 'k8s-node02']);
    expect(then.daemonSets).toHaveLength(1);
    expect(then.daemonSets[0].status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 0 });
    expect(then.pods).toEqual([]);
    expect(then.namespaces).toContain('tkr-system');

    const byTime = await call(clients.audit, 'StateAt', { time: created.recordedAt }, VIEWER);
    expect(byTime.position).toBeGreaterThanOrEqual(created.position);
    const atOrBefore = log.filter((e) => Date.parse(e.recordedAt) <= Date.parse(created.recordedAt));
    expect(byTime.position).toBe(atOrBefore[atOrBefore.length - 1].position);

    const bad = await failure(call(clients.audit, 'StateAt', { time: 'yesterday' }, VIEWER));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('time');
  });

  it('deletes the DaemonSet: its pods leave the watch as DELETED, and Get says NOT_FOUND', async () => {
    const watch = collect(clients.pods, 'Watch', { namespace: 'tkr-system' }, VIEWER);
    await watch.until('the initial pods', (items) => items.some((e) => e.type === 'BOOKMARK'));
    expect(watch.items.filter((e) => e.type === 'ADDED')).toHaveLength(3);
    const deleted = await call(clients.daemonSets, 'Delete', { namespace: 'tkr-system', name: 'liberator', propagationPolicy: 'PROPAGATION_POLICY_BACKGROUND' }, ADMIN);
    expect(deleted.name).toBe('liberator');
    const events = await watch.until('three DELETED pods', (items) => items.filter((e) => e.type === 'DELETED').length === 3);
    watch.cancel();
    expect(events.filter((e) => e.type === 'DELETED').map((e) => e.object.node).sort()).toEqual(['k8s-node01', 'k8s-node02', 'k8s-node03']);
    const gone = await failure(call(clients.daemonSets, 'Get', { namespace: 'tkr-system', name: 'liberator' }, VIEWER));
    expect(gone.code).toBe(status.NOT_FOUND);
    expect(statusFromMetadata(gone.metadata)).toMatchObject({ code: 404, reason: 'NotFound' });
  });

  it('updates a node and lets it leave: a node watch sees MODIFIED then DELETED', async () => {
    const watch = collect(clients.nodes, 'Watch', { name: 'k8s-node03' }, VIEWER);
    await watch.until('the initial node', (items) => items.some((e) => e.type === 'BOOKMARK'));
    const updated = await call(clients.nodes, 'Update', { name: 'k8s-node03', labels: { zone: 'c' }, unschedulable: true, updateMask: { paths: ['labels'] } }, ADMIN);
    expect(updated).toMatchObject({ labels: { zone: 'c' }, unschedulable: false }); // only the masked field changed
    const badMask = await failure(call(clients.nodes, 'Update', { name: 'k8s-node03', updateMask: { paths: ['podCIDR'] } }, ADMIN));
    expect(badMask.code).toBe(status.INVALID_ARGUMENT);
    const left = await call(clients.nodes, 'Leave', { name: 'k8s-node03' }, ADMIN);
    expect(left.labels).toEqual({ zone: 'c' });
    const events = await watch.until('MODIFIED and DELETED', (items) => items.some((e) => e.type === 'DELETED'));
    watch.cancel();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'MODIFIED', 'DELETED']);
    expect(events[2].object.labels).toEqual({ zone: 'c' });
    expect(Number(events[3].resourceVersion)).toBeGreaterThan(Number(events[2].resourceVersion));
    expect((await failure(call(clients.nodes, 'Get', { name: 'k8s-node03' }, VIEWER))).code).toBe(status.NOT_FOUND);
  });

  it('lists its services through server reflection', async () => {
    const reflection = reflectionClient(address, ca);
    try {
      const stream = (reflection as any).ServerReflectionInfo();
      const answers: any[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (a: any) => answers.push(a) === 2 && resolve());
        stream.on('error', reject);
      });
      stream.write({ listServices: '*' });
      stream.write({ fileContainingSymbol: 'everynode.v1.DaemonSets' });
      await done;
      stream.end();
      const services = answers[0].listServicesResponse.service.map((s: any) => s.name);
      expect(services).toEqual(expect.arrayContaining(['everynode.v1.NodeRegistry', 'everynode.v1.DaemonSets', 'everynode.v1.Pods', 'everynode.v1.Audit']));
      expect(answers[1].fileDescriptorResponse.fileDescriptorProto.length).toBeGreaterThan(0);
    } finally {
      reflection.close();
    }
  });
});
