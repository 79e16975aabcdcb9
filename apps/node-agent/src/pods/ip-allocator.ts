// Pod IPs of one node, from its pod CIDR, the way a CNI's host-local IPAM hands them out: the network
// address, the gateway (.1) and the broadcast address are never given; the lowest free address is, so
// an address comes back into use once its pod is gone.

const toInt = (ip: string): number => {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address ${ip}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
};

const toIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  /** Offsets from the network address that are handed out. */
  private readonly used = new Set<number>();
  /** No offset below this is free: keeps allocation O(1) while pods only come. */
  private lowestMaybeFree = 2;

  constructor(readonly cidr: string) {
    const [ip, bits] = cidr.split('/');
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`pod CIDR ${cidr} must be IPv4 with a prefix of /8 to /30`);
    this.size = 2 ** (32 - prefix);
    this.base = toInt(ip) - (toInt(ip) % this.size); // tolerate a host address in the CIDR
  }

  /** The lowest free address, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    for (let offset = this.lowestMaybeFree; offset < this.size - 1; offset++) {
      if (!this.used.has(offset)) {
        this.used.add(offset);
        this.lowestMaybeFree = offset + 1;
        return toIp(this.base + offset);
      }
    }
    return undefined;
  }

  /** Claims an address a pod already has (an agent that restarted adopts its pods). False if not ours or taken. */
  reserve(ip: string): boolean {
    const offset = this.offsetOf(ip);
    if (offset === undefined || this.used.has(offset)) return false;
    this.used.add(offset);
    return true;
  }

  release(ip: string): void {
    const offset = this.offsetOf(ip);
    if (offset === undefined || !this.used.delete(offset)) return;
    this.lowestMaybeFree = Math.min(this.lowestMaybeFree, offset);
  }

  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined;
  }

  get inUse(): number {
    return this.used.size;
  }

  private offsetOf(ip: string): number | undefined {
    let n: number;
    try {
      n = toInt(ip);
    } catch {
      return undefined;
    }
    const offset = n - this.base;
    return offset >= 2 && offset < this.size - 1 ? offset : undefined;
  }
}
