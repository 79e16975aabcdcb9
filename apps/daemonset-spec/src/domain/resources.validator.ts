// Container resource requirements (core validation validateResourceRequirements): resource names,
// quantities, and requests <= limits, with upstream's messages.
import { FieldErrors } from './field-errors';
import { goQuote } from './go-format';
import { entries, obj, present } from './json-access';
import { isQualifiedName } from './k8s-names';
import { compareQuantities, parseQuantityValue, type Quantity, QuantityError } from './quantity';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  ...STANDARD_CONTAINER_RESOURCES,
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);

const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
const isExtended = (name: string) => !isNative(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
/** Only native, non-hugepage resources may be requested below their limit. */
const overcommitAllowed = (name: string) => isNative(name) && !isHugePages(name);
const isCpuOrMemory = (name: string) => name === 'cpu' || name === 'memory';

function validateResourceName(name: string, field: string, fe: FieldErrors): void {
  const msgs = isQualifiedName(name);
  for (const m of msgs) fe.invalid(field, goQuote(name), m);
  const unprefixed = !name.includes('/');
  if (!msgs.length && unprefixed && !STANDARD_RESOURCES.has(name) && !isHugePages(name) && !name.startsWith('requests.hugepages-')) {
    fe.invalid(field, goQuote(name), 'must be a standard resource type or fully qualified');
  }
  if (unprefixed) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) fe.invalid(field, goQuote(name), 'must be a standard resource for containers');
  } else if (!isNative(name) && !isExtended(name)) {
    fe.invalid(field, goQuote(name), "doesn't follow extended resource name standard");
  }
}

/** Parses one quantity, reporting what does not parse (strict decoding refuses it earlier with a 400). */
function quantityAt(raw: unknown, name: string, field: string, fe: FieldErrors): Quantity | undefined {
  validateResourceName(name, field, fe);
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  let q: Quantity;
  try {
    q = parseQuantityValue(raw);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    fe.invalid(field, goQuote(String(raw)), error.message);
    return undefined;
  }
  if (q.nanos < 0n) fe.invalid(field, goQuote(q.text), 'must be greater than or equal to 0');
  // Extended resources are counted in whole units (MilliValue() % 1000 == 0).
  if (isExtended(name) && (q.nanos + 999_999n) / 1_000_000n % 1000n !== 0n) fe.invalid(field, goQuote(q.text), 'must be an integer');
  return q;
}

export function validateResourceRequirements(resources: unknown, path: string, fe: FieldErrors): void {
  const r = obj(resources) ?? {};
  const limits = new Map<string, Quantity | undefined>();
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, raw] of entries(r.limits)) {
    if (!present(raw)) continue;
    limits.set(name, quantityAt(raw, name, `${path}.limits[${name}]`, fe));
    hugePages ||= isHugePages(name);
    cpuOrMemory ||= isCpuOrMemory(name);
  }
  for (const [name, raw] of entries(r.requests)) {
    if (!present(raw)) continue;
    const request = quantityAt(raw, name, `${path}.requests[${name}]`, fe);
    if (limits.has(name)) {
      const limit = limits.get(name);
      if (request && limit) {
        const cmp = compareQuantities(request, limit);
        if (cmp !== 0 && !overcommitAllowed(name)) {
          fe.invalid(`${path}.requests`, goQuote(request.text), `must be equal to ${name} limit of ${limit.text}`);
        } else if (cmp > 0) {
          fe.invalid(`${path}.requests`, goQuote(request.text), `must be less than or equal to ${name} limit of ${limit.text}`);
        }
      }
    } else if (!overcommitAllowed(name)) {
      fe.required(`${path}.limits`, 'Limit must be set for non overcommitable resources');
    }
    hugePages ||= isHugePages(name);
    cpuOrMemory ||= isCpuOrMemory(name);
  }
  if (hugePages && !cpuOrMemory) fe.forbidden(path, 'HugePages require cpu or memory');
}
