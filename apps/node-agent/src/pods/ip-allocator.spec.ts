import fc from 'fast-check';
import { IpAllocator } from './ip-allocator';

describe('IpAllocator', () => {
  it('hands out .2, .3 … of the node CIDR, never the network, gateway or broadcast address', () => {
    const ips = new IpAllocator('10.64.1.0/24');
    const all: string[] = [];
    for (let ip = ips.allocate(); ip; ip = ips.allocate()) all.push(ip);
    expect(all[0]).toBe('10.64.1.2');
    expect(all[1]).toBe('10.64.1.3');
    expect(all).toHaveLength(253);
    expect(all.at(-1)).toBe('10.64.1.254');
    expect(all.filter((ip) => /\.(0|1|255)$/.test(ip))).toEqual([]);
    expect(ips.allocate()).toBeUndefined();
  });

  it('reuses the lowest released address', () => {
    const ips = new IpAllocator('10.64.7.0/24');
    const [a, b, c] = [ips.allocate(), ips.allocate(), ips.allocate()];
    expect([a, b, c]).toEqual(['10.64.7.2', '10.64.7.3', '10.64.7.4']);
    ips.release(b!);
    ips.release(c!);
    expect(ips.allocate()).toBe('10.64.7.3');
    expect(ips.allocate()).toBe('10.64.7.4');
    expect(ips.allocate()).toBe('10.64.7.5');
  });

  it('lets a restarted agent reserve the addresses its pods have, and refuses foreign or taken ones', () => {
    const ips = new IpAllocator('10.64.1.0/24');
    expect(ips.reserve('10.64.1.2')).toBe(true);
    expect(ips.reserve('10.64.1.2')).toBe(false);
    expect(ips.reserve('10.64.2.2')).toBe(false);
    expect(ips.reserve('10.64.1.1')).toBe(false);
    expect(ips.reserve('10.64.1.255')).toBe(false);
    expect(ips.reserve('not an ip')).toBe(false);
    expect(ips.allocate()).toBe('10.64.1.3');
    expect(ips.contains('10.64.1.9')).toBe(true);
    expect(ips.contains('10.64.2.9')).toBe(false);
  });

  it('rejects what is not an IPv4 CIDR it can use', () => {
    expect(() => new IpAllocator('10.64.1.0')).toThrow(/prefix/);
    expect(() => new IpAllocator('10.64.1.0/31')).toThrow(/prefix/);
    expect(() => new IpAllocator('10.64.300.0/24')).toThrow(/invalid/);
  });

  it('always gives the lowest free address, unique and in range, under any mix of operations', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'allocate' as const }),
      fc.record({ kind: fc.constant('release' as const), offset: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ kind: fc.constant('reserve' as const), offset: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const ips = new IpAllocator('10.64.3.16/28'); // .16 network, .17 gateway, .31 broadcast
        const model = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'allocate') {
            const free = [...Array(13).keys()].map((i) => i + 18).find((n) => !model.has(n));
            const ip = ips.allocate();
            expect(ip).toBe(free === undefined ? undefined : `10.64.3.${free}`);
            if (free !== undefined) model.add(free);
          } else if (o.kind === 'release') {
            ips.release(`10.64.3.${16 + o.offset}`);
            model.delete(16 + o.offset);
          } else {
            const n = 16 + o.offset;
            const ok = n >= 18 && n <= 30 && !model.has(n);
            expect(ips.reserve(`10.64.3.${n}`)).toBe(ok);
            if (ok) model.add(n);
          }
          expect(ips.inUse).toBe(model.size);
        }
      }),
    );
  });
});
