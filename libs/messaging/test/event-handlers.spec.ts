import { EventHandlerRegistry } from '../src/server/event-handlers';

describe('EventHandlerRegistry', () => {
  const fn = () => async () => undefined;

  it('gives each type its handlers plus the catch-all ones, each method once', () => {
    const r = new EventHandlerRegistry();
    const batchMethod = { batch: true }; // Nest shares one extras object across a method's patterns
    const a = fn();
    const b = fn();
    const all = fn();
    r.add('NodeJoined', a, batchMethod);
    r.add('NodeLeft', b, batchMethod);
    r.add('*', all, {});
    r.add('NodeJoined', fn(), batchMethod); // the same method, registered again via another pattern

    expect(r.handlersFor('NodeJoined').map((h) => [h.fn, h.batch])).toEqual([
      [a, true],
      [all, false],
    ]);
    expect(r.handlersFor('NodeLeft').map((h) => h.fn)).toEqual([b, all]);
    expect(r.handlersFor('PodRemoved').map((h) => h.fn)).toEqual([all]);
    expect(r.types.sort()).toEqual(['*', 'NodeJoined', 'NodeLeft']);
  });

  it('keeps several methods of one type apart', () => {
    const r = new EventHandlerRegistry();
    r.add('NodeJoined', fn(), {});
    r.add('NodeJoined', fn(), {});
    expect(r.handlersFor('NodeJoined')).toHaveLength(2);
    expect(new EventHandlerRegistry().isEmpty).toBe(true);
  });
});
