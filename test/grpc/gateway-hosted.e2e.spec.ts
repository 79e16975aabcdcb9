// The gateway process itself serves the gRPC API (bundled build, proto files found at run time),
// with the same CA and the same tokens as its HTTPS API.
import { status } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { GatewayTestbed, LIBERATOR } from '../gateway/support/gateway-testbed';
import { waitFor } from '../support/stack';
import { call, collect, everynodeClients, failure } from './support/grpc-client';

describe('the gateway hosts the gRPC API', () => {
  let bed: GatewayTestbed;
  let clients: ReturnType<typeof everynodeClients>;

  beforeAll(async () => {
    bed = await GatewayTestbed.start('grpchosted');
    await bed.join('k8s-node01');
    await bed.ok(['create', 'namespace', 'tkr-system']);
    clients = everynodeClients(`127.0.0.1:${bed.stack.ports.get('api-gateway-grpc')}`, bed.caPem);
  }, 90_000);
  afterAll(async () => {
    for (const c of Object.values(clients ?? {})) c.close();
    await bed?.teardown();
  });

  it('answers with the kubeconfig token, refuses without one', async () => {
    const list = await call<{ items: { name: string }[] }>(clients.nodes, 'List', {}, bed.adminToken);
    expect(list.items.map((n) => n.name)).toEqual(['k8s-node01']);
    expect((await failure(call(clients.nodes, 'List', {}))).code).toBe(status.UNAUTHENTICATED);
  });

  it('applies over gRPC what kubectl then sees, and streams the audit log', async () => {
    await call(clients.daemonSets, 'Apply', { manifestText: readFileSync(LIBERATOR, 'utf8') }, bed.adminToken);
    await waitFor('kubectl sees the pod', async () => /liberator-\w{5}/.test(await bed.ok(['get', 'pods', '-n', 'tkr-system'])));
    const events = await collect(clients.audit, 'StreamEvents', { fromPosition: 1, follow: false }, bed.adminToken).finished();
    expect(events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['NodeJoined', 'DaemonSetCreated', 'PodsScheduled']));
  });
});
