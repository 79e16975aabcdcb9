import { LeaseTable } from './lease.table';

describe('LeaseTable', () => {
  it('a sweep gets only the leases that ran out, oldest first, and a renewal takes a node out of them', () => {
    const t = new LeaseTable();
    for (let i = 0; i < 5; i++) t.track(`n${i}`, 'True', 1000 + i * 100); // n0 at 1000 … n4 at 1400
    t.renew('n1', 1500); // n1 moves to the end
    expect(t.expire(1000 + 40 + 250, 40)).toEqual(['n0', 'n2']);
    expect(t.unreachableSinceOf('n0')).toBe(1290);
    expect(t.lastHeartbeat('n0')).toBeUndefined();
    expect(t.has('n0')).toBe(true);
    expect(t.expire(1290, 40)).toEqual([]); // nothing left to expire before n3 (1300)
    expect(t.expire(1600, 40)).toEqual(['n3', 'n4', 'n1']);
  });

  it('a node found unreachable is due for collection after the given time, in the order it was found', () => {
    const t = new LeaseTable();
    t.track('a', 'True', 0);
    t.track('b', 'True', 10);
    t.expire(100, 50); // both found at 100
    t.track('c', 'True', 60);
    t.expire(200, 50); // c found at 200
    expect(t.unreachableFor(150, 100)).toEqual([]);
    expect(t.unreachableFor(200, 100)).toEqual(['a', 'b']);
    expect(t.unreachableFor(300, 100)).toEqual(['a', 'b', 'c']);
    t.forget('a');
    expect(t.unreachableFor(300, 100)).toEqual(['b', 'c']);
    expect(t.has('a')).toBe(false);
  });

  it('a renewal says when readiness must be recorded again: after being unreachable, or while recorded not Ready', () => {
    const t = new LeaseTable();
    t.track('up', 'True', 0);
    t.track('down', 'Unknown', 0);
    expect(t.renew('up', 10)).toBe(false);
    expect(t.renew('down', 10)).toBe(true);
    t.recorded('down', 'True');
    expect(t.renew('down', 20)).toBe(false);
    t.expire(1000, 100);
    expect(t.renew('up', 1001)).toBe(true); // was unreachable (its Unknown may not be committed yet)
    expect(t.unreachableSinceOf('up')).toBeUndefined();
    t.recorded('up', null); // left the cluster
    expect(t.has('up')).toBe(false);
  });

  it('tracking a node already known keeps its lease; at start every member gets a full lease of grace', () => {
    const t = new LeaseTable();
    t.track('a', 'True', 0);
    t.track('a', 'True', 500);
    expect(t.lastHeartbeat('a')).toBe(0);
    expect(t.expire(40, 40)).toEqual(['a']);
    expect(t.size).toBe(1);
  });
});
