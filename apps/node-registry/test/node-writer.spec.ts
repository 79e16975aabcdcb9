// Two writers of the same nodes (two registry replicas) never lose a write: each decides on the node as read,
// the append's expected version catches a write in between, and the projection, written with the events in
// their transaction, follows the log. (A writer that remembered the states it committed, to skip that read,
// answered a join as a no-op on a node another writer had removed: a decision that appends nothing is
// checked by no expected version.) Pod CIDRs, taken from the sequence ahead, stay distinct. Real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { EventStore, newEventId } from '@everynode/event-store';
import { foldNodes } from '@everynode/read-models';
import { createTestDatabase, type TestDatabase } from '../../../libs/platform/src/database';
import { decideJoin, decideLeave, decideUpdate, type NodeState } from '../src/domain/node.decider';
import { NodeWriter, type NodeWrite } from '../src/node-writer';
import { NodeProjection } from '../src/projection/node.projection';

const meta = { actor: 'test', causationId: null, correlationId: randomUUID() };
const command = { actor: 'test', requestId: 'r' };

describe('NodeWriter', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('node_writer');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db?.drop());

  const writer = () => new NodeWriter(store, new NodeProjection(db.dataSource));
  const reply = (_b: NodeState, after: NodeState) => after;
  const join = (name: string): NodeWrite<NodeState> => ({
    name,
    needsPodCidr: (s) => !s.node,
    decide: (s, podCIDR) => decideJoin(s, { meta: command, name }, { newId: newEventId, podCIDR }),
    reply,
  });
  const label = (name: string, value: string): NodeWrite<NodeState> => ({
    name,
    decide: (s) => decideUpdate(s, { meta: command, name, labels: { team: value } }, { newId: newEventId }),
    reply,
  });
  const leave = (name: string): NodeWrite<NodeState> => ({ name, decide: (s) => decideLeave(s, name, 'Deleted', meta, { newId: newEventId }), reply });
  const ok = async (w: NodeWriter, write: NodeWrite<NodeState>) => {
    const [outcome] = await w.batch([write]);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };

  it('writes on what another writer committed meanwhile, and its projection rows follow the log', async () => {
    const [a, b] = [writer(), writer()];
    await ok(a, join('n1'));
    await ok(b, label('n1', 'blue'));
    const labelled = await ok(a, label('n1', 'green'));
    expect(labelled.version).toBe(3);
    expect(labelled.node?.labels).toMatchObject({ team: 'green' });
    await ok(b, leave('n1'));
    await ok(a, join('n1')); // a last wrote n1 when it was a member: it must see that it left, and join it anew

    const events = await store.readStream('node-n1');
    expect(events.map((e) => e.type)).toEqual(['NodeJoined', 'NodeUpdated', 'NodeUpdated', 'NodeLeft', 'NodeJoined']);
    const projection = await new NodeProjection(db.dataSource).loadMany(['n1']);
    expect(projection.get('n1')).toEqual(foldNodes(events).get('n1'));
  });

  it('hands out distinct pod CIDRs across writers, in join order within one', async () => {
    const [a, b] = [writer(), writer()];
    const cidrs: string[] = [];
    for (let i = 0; i < 70; i++) cidrs.push((await ok(i % 3 ? a : b, join(`c${i}`))).node!.podCIDR);
    expect(new Set(cidrs).size).toBe(70);
    const ofA = cidrs.filter((_, i) => i % 3 !== 0).map((c) => Number(c.split('.')[1]) * 256 + Number(c.split('.')[2]));
    expect(ofA).toEqual([...ofA].sort((x, y) => x - y));
  });
});
