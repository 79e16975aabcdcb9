import { join, resolve } from 'node:path';
import { defaultProtoDir, loadProtos } from './proto-files';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const PROTO_DIR = join(ROOT, 'libs', 'contracts', 'proto');

describe('the .proto files', () => {
  it('are found from the sources and from the bundle in dist/apps/api-gateway', () => {
    expect(defaultProtoDir(__dirname, {})).toBe(PROTO_DIR);
    expect(defaultProtoDir(join(ROOT, 'dist', 'apps', 'api-gateway'), {})).toBe(PROTO_DIR);
    expect(defaultProtoDir('/', { EVERYNODE_PROTO_DIR: '/opt/protos' })).toBe('/opt/protos');
  });

  it('says what to set when they are nowhere', () => {
    expect(() => defaultProtoDir('/', {})).toThrow(/EVERYNODE_PROTO_DIR/);
    expect(() => loadProtos('/nonexistent')).toThrow(/lacks everynode\/v1\/nodes\.proto/);
  });

  it('define the four services of everynode.v1', () => {
    const definition = loadProtos(PROTO_DIR);
    for (const service of ['NodeRegistry', 'DaemonSets', 'Pods', 'Audit']) expect(definition[`everynode.v1.${service}`]).toBeDefined();
    expect(Object.keys(definition['everynode.v1.NodeRegistry'])).toEqual(['Join', 'Update', 'Leave', 'Get', 'List', 'Watch']);
    expect(Object.keys(definition['everynode.v1.Audit'])).toEqual(['StreamEvents', 'History', 'StateAt']);
  });
});
