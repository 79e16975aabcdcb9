import { statusThrownBy } from '@everynode/contracts';
import { decodeNodeStatus } from './node-status';

describe('a registering node status', () => {
  it('keeps addresses, capacity and nodeInfo as Go decodes them', () => {
    expect(
      decodeNodeStatus({
        addresses: [{ type: 'InternalIP', address: '10.0.0.9', extra: 1 }],
        capacity: { cpu: '4', pods: 110 },
        nodeInfo: { kubeletVersion: 'v1.32.0', colour: 'blue' },
        phase: 'Running',
      }),
    ).toEqual({ addresses: [{ type: 'InternalIP', address: '10.0.0.9' }], capacity: { cpu: '4', pods: '110' }, nodeInfo: { kubeletVersion: 'v1.32.0' } });
    expect(decodeNodeStatus(undefined)).toEqual({});
  });

  // Found by the API fuzzer: a node registered with `"addresses": [null]` made every later pod list a 500.
  it('drops null addresses and refuses values of the wrong type with a 400', () => {
    expect(decodeNodeStatus({ addresses: [null] })).toEqual({ addresses: [] });
    expect(statusThrownBy(() => decodeNodeStatus({ addresses: [5] }))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal number into Go struct field NodeStatus.status.addresses of type v1.NodeAddress',
    });
    expect(statusThrownBy(() => decodeNodeStatus({ addresses: [{ type: {} }] })).message).toBe(
      'json: cannot unmarshal object into Go struct field NodeAddress.status.addresses.type of type v1.NodeAddressType',
    );
    expect(statusThrownBy(() => decodeNodeStatus({ capacity: { cpu: {} } })).code).toBe(400);
    expect(statusThrownBy(() => decodeNodeStatus({ nodeInfo: [] })).code).toBe(400);
    expect(statusThrownBy(() => decodeNodeStatus('up')).code).toBe(400);
  });
});
