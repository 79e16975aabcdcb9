// TEMPORARY: keeps a stack with the gateway up for manual poking. Deleted before handing in.
import { writeFileSync } from 'node:fs';
import { COMMANDS } from '@everynode/contracts';
import { meta, Stack } from '../support/stack';

it('holds', async () => {
  const stack = await Stack.create('devhold');
  try {
    await stack.startAll();
    await stack.start('api-gateway');
    await stack.send(COMMANDS.nodeJoin, { meta: meta(), name: 'k8s-node01', addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] });
    await stack.send(COMMANDS.nodeJoin, { meta: meta(), name: 'k8s-node02' });
    writeFileSync('/tmp/gw/info.json', JSON.stringify({ home: stack.gatewayHome, port: stack.ports.get('api-gateway'), logs: stack.logDir, db: stack.db.url, prefix: stack.prefix }));
    await new Promise((r) => setTimeout(r, Number(process.env.HOLD_MS ?? 600_000)));
  } finally {
    await stack.teardown();
  }
}, 3_600_000);
