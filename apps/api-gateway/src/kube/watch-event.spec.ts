import { bookmark, watchEventLine } from './watch-event';

describe('watch events', () => {
  it('writes one JSON event per line', () => {
    const line = watchEventLine('ADDED', { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1' } });
    expect(line).toBe('{"type":"ADDED","object":{"kind":"Node","apiVersion":"v1","metadata":{"name":"n1"}}}\n');
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  it('escapes newlines inside the object so that each event stays on one line', () => {
    const line = watchEventLine('MODIFIED', { metadata: { annotations: { a: 'two\nlines' } } });
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)).toEqual({ type: 'MODIFIED', object: { metadata: { annotations: { a: 'two\nlines' } } } });
  });

  it('writes a bookmark with the resource version on an object of the watched kind', () => {
    expect(JSON.parse(bookmark('1234', { apiVersion: 'apps/v1', kind: 'DaemonSet' }))).toEqual({
      type: 'BOOKMARK', object: { kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { resourceVersion: '1234' } },
    });
    expect(bookmark('7')).toBe('{"type":"BOOKMARK","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"}}}\n');
  });
});
