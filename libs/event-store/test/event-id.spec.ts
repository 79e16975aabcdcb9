import { newEventId } from '../src/event-id';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newEventId (UUIDv7)', () => {
  it('is a version-7, RFC 9562-variant uuid whose first 48 bits are the time in ms', () => {
    const before = Date.now();
    const id = newEventId();
    expect(id).toMatch(V7);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('makes strictly increasing ids, also past 4,096 in one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, newEventId);
    expect(ids.findIndex((id, i) => i > 0 && id <= ids[i - 1])).toBe(-1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => V7.test(id))).toBe(true);
  });
});
