import { JetStreamServer } from '@everynode/messaging';
import { notFound } from '@everynode/contracts';
import { MetricsRegistry } from '../ops/metrics.registry';
import { CommandHandlers } from './command-handlers';
import { INTERNAL_TOKEN_HEADER, InternalCommandsController } from './internal-commands.controller';

/** The controller with one command handler registered on a (not listening) transport. */
function controller(token?: string) {
  const server = new JetStreamServer({ servers: 'nats://127.0.0.1:1', prefix: 't', durable: 'svc' });
  server.addHandler('node.get', async (data: { name: string }) => {
    if (data.name === 'missing') throw notFound('nodes', 'missing').status; // what the Kubernetes Status filter hands on
    return { name: data.name };
  });
  const handlers = new CommandHandlers();
  handlers.attach(server, 't');
  return new InternalCommandsController(handlers, token, new MetricsRegistry());
}

async function call(c: InternalCommandsController, from: string, pattern: string, data: unknown, headers: Record<string, string> = {}) {
  let answer: { code: number; body: unknown } | undefined;
  const res = { status: (code: number) => ({ json: (body: unknown) => (answer = { code, body }) }) };
  await c.serve(pattern, { data }, { socket: { remoteAddress: from }, headers }, res);
  return answer!;
}

describe('POST /internal/commands/:pattern', () => {
  it('serves loopback callers with the reply a NATS caller would get', async () => {
    const c = controller();
    await expect(call(c, '127.0.0.1', 'node.get', { name: 'n1' })).resolves.toEqual({ code: 200, body: { response: { name: 'n1' } } });
    await expect(call(c, '::ffff:127.0.0.1', 'node.get', { name: 'missing' })).resolves.toMatchObject({
      code: 200,
      body: { err: { kind: 'Status', code: 404, reason: 'NotFound' } },
    });
    await expect(call(c, '::1', 'node.nope', {})).resolves.toMatchObject({ code: 404 });
  });

  it('refuses other addresses when no token is configured', async () => {
    await expect(call(controller(), '10.0.0.7', 'node.get', { name: 'n1' })).resolves.toMatchObject({ code: 403 });
  });

  it('with a token configured, requires it from everyone, loopback included', async () => {
    const c = controller('s3cret');
    await expect(call(c, '127.0.0.1', 'node.get', { name: 'n1' })).resolves.toMatchObject({ code: 403 });
    await expect(call(c, '10.0.0.7', 'node.get', { name: 'n1' }, { [INTERNAL_TOKEN_HEADER]: 'wrong!' })).resolves.toMatchObject({ code: 403 });
    await expect(call(c, '10.0.0.7', 'node.get', { name: 'n1' }, { [INTERNAL_TOKEN_HEADER]: 's3cret' })).resolves.toEqual({
      code: 200,
      body: { response: { name: 'n1' } },
    });
  });
});
