// The status a node registers with (POST nodes: addresses, capacity, nodeInfo) decoded as Go decodes
// a v1.NodeStatus: known fields only, of the right types (a 400 otherwise). Whatever is stored must be
// presentable again: one `"addresses": [null]` once made every pod and node list a 500.
import { badRequest } from './status';

export interface NodeStatusFields {
  addresses?: { type: string; address: string }[];
  capacity?: Record<string, string>;
  nodeInfo?: Record<string, string>;
}

const NODE_INFO_FIELDS = [
  'machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture',
];

const jsonKind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);
const cannot = (v: unknown, field: string, goType: string) => badRequest(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${field} of type ${goType}`);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;

function text(v: unknown, field: string, goType = 'string'): string {
  if (absent(v)) return '';
  if (typeof v !== 'string') throw cannot(v, field, goType);
  return v;
}

export function decodeNodeStatus(status: unknown): NodeStatusFields {
  if (absent(status)) return {};
  if (!isMap(status)) throw cannot(status, 'Node.status', 'v1.NodeStatus');
  const out: NodeStatusFields = {};
  if (!absent(status.addresses)) {
    if (!Array.isArray(status.addresses)) throw cannot(status.addresses, 'NodeStatus.status.addresses', '[]v1.NodeAddress');
    out.addresses = status.addresses.flatMap((a: unknown) => {
      if (absent(a)) return []; // Go's zero NodeAddress says nothing
      if (!isMap(a)) throw cannot(a, 'NodeStatus.status.addresses', 'v1.NodeAddress');
      return [{ type: text(a.type, 'NodeAddress.status.addresses.type', 'v1.NodeAddressType'), address: text(a.address, 'NodeAddress.status.addresses.address') }];
    });
  }
  if (!absent(status.capacity)) {
    if (!isMap(status.capacity)) throw cannot(status.capacity, 'NodeStatus.status.capacity', 'v1.ResourceList');
    out.capacity = {};
    for (const [name, q] of Object.entries(status.capacity)) {
      if (typeof q !== 'string' && typeof q !== 'number') throw badRequest(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
      out.capacity[name] = String(q);
    }
  }
  if (!absent(status.nodeInfo)) {
    if (!isMap(status.nodeInfo)) throw cannot(status.nodeInfo, 'NodeStatus.status.nodeInfo', 'v1.NodeSystemInfo');
    const info = status.nodeInfo;
    out.nodeInfo = {};
    for (const field of NODE_INFO_FIELDS) {
      const v = text(info[field], `NodeSystemInfo.status.nodeInfo.${field}`);
      if (v) out.nodeInfo[field] = v;
    }
  }
  return out;
}
