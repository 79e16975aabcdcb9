import { toTable } from './table';

const now = Date.parse('2025-06-01T12:00:00Z');
const namespace = (name: string) => ({
  apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-${name}`, resourceVersion: '4', creationTimestamp: '2025-06-01T11:59:35Z', labels: { 'kubernetes.io/metadata.name': name } },
  spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
});

describe('toTable', () => {
  it('builds a meta.k8s.io/v1 Table with PartialObjectMetadata rows by default', () => {
    const table = toTable('Namespace', [{ object: namespace('default'), now }], '42', { includeObject: 'Metadata' });
    expect(table).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'Table',
      metadata: { resourceVersion: '42' },
      columnDefinitions: [
        expect.objectContaining({ name: 'Name', type: 'string', format: 'name', priority: 0 }),
        { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
        expect.objectContaining({ name: 'Age', type: 'string', format: '', priority: 0 }),
      ],
      rows: [{ cells: ['default', 'Active', '25s'], object: { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: namespace('default').metadata } }],
    });
  });

  it('carries the full object with Object and none with None', () => {
    expect(toTable('Namespace', [{ object: namespace('a'), now }], '1', { includeObject: 'Object' }).rows[0].object).toEqual(namespace('a'));
    expect(toTable('Namespace', [{ object: namespace('a'), now }], '1', { includeObject: 'None' }).rows[0]).toEqual({ cells: ['a', 'Active', '25s'] });
  });

  it.each([
    ['DaemonSet', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector'], [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]],
    ['Pod', ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'], [0, 0, 0, 0, 0, 1, 1, 1, 1]],
    ['Node', ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]],
    ['Namespace', ['Name', 'Status', 'Age'], [0, 0, 0]],
  ] as const)('has the upstream columns for %s, one cell per column', (kind, names, priorities) => {
    const table = toTable(kind, [{ object: { metadata: { name: 'x' } }, now }], '1', { includeObject: 'None' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(names);
    expect(table.columnDefinitions.map((c) => c.priority)).toEqual(priorities);
    expect(table.columnDefinitions.every((c) => c.description.length > 0)).toBe(true);
    expect(table.rows[0].cells).toHaveLength(names.length);
  });

  it('types the DaemonSet counters as integers and the Pod restarts as a string', () => {
    const types = (kind: 'DaemonSet' | 'Pod') => toTable(kind, [], '1', { includeObject: 'None' }).columnDefinitions.map((c) => c.type);
    expect(types('DaemonSet')).toEqual(['string', 'integer', 'integer', 'integer', 'integer', 'integer', 'string', 'string', 'string', 'string', 'string']);
    expect(types('Pod')[3]).toBe('string');
  });

  it('adds the Completed condition to finished pods', () => {
    const table = toTable('Pod', [{ object: { metadata: { name: 'p' }, status: { phase: 'Succeeded' } }, now }], '1', { includeObject: 'None' });
    expect(table.rows[0].conditions).toEqual([expect.objectContaining({ type: 'Completed', reason: 'Succeeded' })]);
  });

  it('gives every table its own column definitions', () => {
    const a = toTable('Node', [], '1', { includeObject: 'None' });
    a.columnDefinitions[0].name = 'changed';
    expect(toTable('Node', [], '1', { includeObject: 'None' }).columnDefinitions[0].name).toBe('Name');
  });
});
