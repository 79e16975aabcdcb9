// Issue 6, item 10 (NATS): a private nats-server with config/nats/everynode.conf — one user per service with
// publish/subscribe allow-lists. The services, each as its own user, run a DaemonSet end to end (commands,
// the relay's events, durable consumers, the node agent's reports); then each user is caught trying what
// only another may do: the server refuses it (permissions violation) and the event stream is unchanged.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { COMMANDS } from '@everynode/contracts';
import type { PodList } from '@everynode/contracts';
import { connectNats, JetStreamClient, request } from '@everynode/messaging';
import { parse } from 'yaml';
import { meta, Stack, waitFor } from '../support/stack';
import { type NatsUser, SecuredNats } from './support/secured-nats';

const LIBERATOR = readFileSync(join(__dirname, '..', '..', 'examples', 'liberator.yaml'), 'utf8');
/** The prefix everynode.conf's subjects are written for; the server is this spec's own. */
const PREFIX = 'everynode';
const EVENTS = 'EVERYNODE_EVENTS';

describe('NATS users and subject permissions (config/nats/everynode.conf)', () => {
  let nats: SecuredNats;
  let stack: Stack;
  let gateway: JetStreamClient;
  const connections: NatsConnection[] = [];

  const as = async (user: NatsUser) => {
    const nc = await connectNats(nats.url, `test:${user}`, nats.auth(user));
    connections.push(nc);
    return nc;
  };
  const metric = async (service: string, name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${stack.ports.get(service)}/metrics`)).text();
    return new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1];
  };
  const eventCount = async () => (await (await jetstreamManager(await as('relay'))).streams.info(EVENTS)).state.messages;
  /** A write through the api-gateway process (its commands go out as the api-gateway NATS user). */
  const viaGateway = (method: string, path: string, body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const home = stack.gatewayHome;
      const token = (parse(readFileSync(join(home, 'kubeconfig'), 'utf8')) as { users: { user: { token: string } }[] }).users[0].user.token;
      const payload = JSON.stringify(body);
      const req = httpsRequest(
        { host: '127.0.0.1', port: stack.ports.get('api-gateway'), method, path, ca: readFileSync(join(home, 'ca.crt')), headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
        (res) => res.resume().on('end', () => resolve(res.statusCode!)),
      );
      req.on('error', reject);
      req.end(payload);
    });

  beforeAll(async () => {
    nats = await SecuredNats.start();
    stack = await Stack.create('sec_nats', { NATS_PREFIX: PREFIX }, { natsUrl: nats.url, natsAuth: nats.auth('api-gateway') });
    // Only node-registry is given the relay's credentials: the others do not contend (they could not publish).
    await Promise.all([
      stack.start('node-registry', { ...nats.env('node-registry'), NATS_RELAY_USER: 'relay', NATS_RELAY_PASSWORD: nats.auth('relay').pass! }),
      stack.start('daemonset-spec', nats.env('daemonset-spec')),
      stack.start('scheduler', nats.env('scheduler')),
      stack.start('api-gateway', nats.env('api-gateway')),
    ]);
    await stack.start('node-agent', { ...nats.env('node-agent-1'), AGENT_ID: '1', SIM_NODES: 'k8s-node01,k8s-node02', POD_START_DELAY_MS: '300', HEARTBEAT_INTERVAL_MS: '1000' });
    gateway = new JetStreamClient({ servers: nats.url, prefix: PREFIX, timeoutMs: 10_000, auth: nats.auth('api-gateway') });
  }, 60_000);

  afterAll(async () => {
    for (const instance of [...(stack?.processes.keys() ?? [])]) await stack.kill(instance);
    await Promise.allSettled([gateway?.close(), stack?.client.close(), ...connections.map((nc) => nc.close())]);
    await nats?.destroy();
    await stack?.db.drop();
  });

  it('lets every service do its job as its own user: a DaemonSet runs on both simulated nodes', async () => {
    expect(await viaGateway('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tkr-system' } })).toBe(201);
    await request(gateway, COMMANDS.daemonSetApply, { meta: meta('kubectl apply'), manifest: LIBERATOR });
    const pods = await waitFor(
      'two liberator pods Running and Ready, reported by the node agent',
      async () => {
        const { items } = await request<PodList>(gateway, COMMANDS.podList, { namespace: 'tkr-system' });
        return items.length === 2 && items.every((p) => p.phase === 'Running' && p.ready) && items;
      },
      30_000,
      200,
    );
    expect(pods.map((p) => p.node).sort()).toEqual(['k8s-node01', 'k8s-node02']);
    // The relay runs where its credentials are, and only there.
    expect(await metric('node-registry', 'everynode_relay_active')).toBe('1');
    expect(await metric('daemonset-spec', 'everynode_relay_active')).toBeUndefined();
    // Namespace, DaemonSet, 2 nodes, 2 pods, their statuses: published as the relay user (runs of one type share
    // a message, so the relay's count of events, not the stream's of messages).
    await waitFor('the relay to publish them', async () => Number(await metric('node-registry', 'everynode_relay_published_total')) >= 7, 10_000, 100);
    expect(await eventCount()).toBeGreaterThan(0);
  });

  it("refuses a service publishing events or another service's commands, and stealing commands", async () => {
    const before = await eventCount();
    const registry = await as('node-registry');
    const violation = (subject: string) => expect.objectContaining({ message: expect.stringContaining(`Permissions Violation for Publish to "${subject}"`) });

    // Events come from the relay only.
    await expect(jetstream(registry).publish(`${PREFIX}.events.node.NodeJoined`, '{}', { timeout: 3000 })).rejects.toEqual(violation(`${PREFIX}.events.node.NodeJoined`));
    await expect(jetstream(await as('api-gateway')).publish(`${PREFIX}.events.pod.PodRemoved`, '{}', { timeout: 3000 })).rejects.toEqual(
      violation(`${PREFIX}.events.pod.PodRemoved`),
    );
    // Another service's command, and a node agent asking for more than a kubelet's commands.
    await expect(registry.request(`${PREFIX}.cmd.daemonset.delete`, '{}', { timeout: 3000 })).rejects.toEqual(violation(`${PREFIX}.cmd.daemonset.delete`));
    const agent = await as('node-agent-1');
    await expect(agent.request(`${PREFIX}.cmd.node.leave`, '{}', { timeout: 3000 })).rejects.toEqual(violation(`${PREFIX}.cmd.node.leave`));
    await expect(agent.request(`${PREFIX}.cmd.pod.delete`, '{}', { timeout: 3000 })).rejects.toEqual(violation(`${PREFIX}.cmd.pod.delete`));
    // Serving (and so reading) another service's commands.
    const stolen = (await as('daemonset-spec')).subscribe(`${PREFIX}.cmd.node.join`, { queue: 'node-registry' });
    await expect(stolen.closed).resolves.toEqual(expect.objectContaining({ message: expect.stringContaining(`Permissions Violation for Subscription to "${PREFIX}.cmd.node.join"`) }));
    // JetStream: another service's durable, purging or deleting the log's stream.
    const jsm = await jetstreamManager(registry);
    await expect(jsm.consumers.add(EVENTS, { durable_name: 'scheduler', filter_subject: `${PREFIX}.events.>` })).rejects.toEqual(
      expect.objectContaining({ message: expect.stringContaining(`Permissions Violation for Publish to "$JS.API.CONSUMER.CREATE.${EVENTS}.scheduler`) }),
    );
    await expect(jsm.streams.purge(EVENTS)).rejects.toEqual(violation(`$JS.API.STREAM.PURGE.${EVENTS}`));
    await expect(jsm.streams.delete(EVENTS)).rejects.toEqual(violation(`$JS.API.STREAM.DELETE.${EVENTS}`));

    expect(await eventCount()).toBe(before);
    // The legitimate path still works for the same users.
    expect((await request<PodList>(gateway, COMMANDS.podList, { namespace: 'tkr-system' })).items).toHaveLength(2);
  });

  it('refuses connections without credentials or with a wrong password', async () => {
    const { connect } = await import('@nats-io/transport-node');
    await expect(connect({ servers: nats.url, timeout: 3000 })).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: nats.url, user: 'scheduler', pass: 'guess', timeout: 3000 })).rejects.toThrow(/Authorization Violation/i);
  });
});
