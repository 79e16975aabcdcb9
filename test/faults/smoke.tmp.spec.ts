import { COMMANDS } from '@everynode/contracts';
import { meta, Stack } from '../support/stack';
import { PrivateServers } from './support/private-servers';

describe('smoke', () => {
  it('starts', async () => {
    const servers = await PrivateServers.start();
    const stack = await Stack.create('smoke', {}, servers.urls);
    try {
      await stack.startAll();
      await stack.send(COMMANDS.nodeJoin, { meta: meta(), name: 'n1' });
      const port = stack.ports.get('node-registry');
      const r = await fetch(`http://127.0.0.1:${port}/internal/commands/node.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { name: 'n1' } }) });
      console.log(r.status, (await r.text()).slice(0, 200));
      const r2 = await fetch(`http://127.0.0.1:${port}/internal/commands/node.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { name: 'nope' } }) });
      console.log(r2.status, (await r2.text()).slice(0, 300));
      const r3 = await fetch(`http://127.0.0.1:${port}/internal/commands/node.nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { name: 'nope' } }) });
      console.log(r3.status, (await r3.text()).slice(0, 300));
      console.log((await (await fetch(`http://127.0.0.1:${stack.ports.get('scheduler')}/metrics`)).text()).split('\n').filter((l) => /events_|commands_/.test(l)).join('\n'));
      for (const s of ['scheduler', 'node-registry', 'daemonset-spec']) console.log(s, await stack.terminate(s));
    } finally {
      await stack.teardown();
      await servers.destroy();
    }
  }, 90_000);
});
