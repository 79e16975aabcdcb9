// resource.Quantity of k8s.io/apimachinery: the parser (with its quirks), exact comparison, and the
// canonical String() that upstream prints in messages. Values are kept as signed nanos in a bigint,
// exactly what upstream can represent (nano precision, rounded up, capped at the int64 maximum).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10^-9, comparable exactly. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
  /** Quantity.String(): the text as written when upstream caches it, else the canonical form. */
  readonly text: string;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_NUMERIC = 'unable to parse numeric part of quantity';
const ERR_SUFFIX = "unable to parse quantity's suffix";

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const NANO = 1_000_000_000n;
const MAX_NANOS = (2n ** 63n - 1n) * NANO;
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

interface Parts {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString, step for step (it accepts "-", "." and "1.G" on purpose, as upstream does). */
function split(str: string): Parts {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };

  let i = pos;
  while (isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (isDigit(str[i])) i++;
    if (i >= end) return { positive, value: str, num, denom: str.slice(pos), suffix: '' };
    denom = str.slice(pos, i);
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(QUANTITY_FORMAT_ERROR);
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } | null {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    if (parsed > INT64_MAX || parsed < -INT64_MAX - 1n) return null;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return null;
}

/** ParseQuantity. Throws QuantityError with upstream's message. */
export function parseQuantity(input: string): Quantity {
  if (input.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  if (input === '0') return { nanos: 0n, format: 'DecimalSI', text: '0' };
  const { positive, value, num, denom, suffix } = split(input);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new QuantityError(ERR_SUFFIX);
  const { base, exponent, format } = interpreted;

  // Upstream's int64 fast path keeps the text as written when it is already canonical.
  let cached = false;
  let precision: number;
  let scale: number;
  if (base === 10) {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else {
    scale = 0;
    precision = exponent >= 0 && denom.length === 0 ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 : -1;
  }
  if (precision >= 0 && scale - denom.length >= -9) {
    const shifted = num + denom;
    const digits = BigInt(shifted);
    if (digits * (base === 2 ? 1n << BigInt(exponent) : 1n) <= INT64_MAX) {
      cached =
        base === 2
          ? exponent % 10 === 0 && (digits & 7n) !== 0n
          : (scale - denom.length) % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
    }
  } else if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) {
    throw new QuantityError(ERR_NUMERIC);
  }

  const magnitude = nanosOf(BigInt(num + denom), base === 10 ? exponent - denom.length : -denom.length, base === 2 ? exponent : 0);
  const nanos = positive ? magnitude : -magnitude;
  return { nanos, format, text: cached ? input : canonicalText(nanos, format) };
}

/** digits × 2^pow2 × 10^pow10 in nanos, rounded up, capped (huge exponents short-circuit). */
function nanosOf(digits: bigint, pow10: number, pow2: number): bigint {
  if (digits === 0n) return 0n;
  const e = pow10 + 9;
  if (e > 60) return MAX_NANOS;
  const scaled = digits << BigInt(pow2);
  let nanos: bigint;
  if (e >= 0) {
    nanos = scaled * 10n ** BigInt(e);
  } else if (-e > scaled.toString().length) {
    nanos = 1n; // below one nano: upstream rounds any non-zero amount up to 1n
  } else {
    const div = 10n ** BigInt(-e);
    nanos = (scaled + div - 1n) / div;
  }
  return nanos > MAX_NANOS ? MAX_NANOS : nanos;
}

const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** CanonicalizeBytes: small or fractional binary amounts print as DecimalSI; exponents are multiples of 3. */
function canonicalText(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  let fmt = format;
  if (fmt === 'BinarySI' && ((nanos > -1024n * NANO && nanos < 1024n * NANO) || nanos % NANO !== 0n)) fmt = 'DecimalSI';
  if (fmt === 'BinarySI') {
    let units = nanos / NANO;
    let power = 0;
    while (units % 1024n === 0n) {
      units /= 1024n;
      power++;
    }
    return `${units}${BINARY_BY_POWER[power]}`;
  }
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (fmt === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** Quantity.UnmarshalJSON: a JSON string or number, surrounding spaces ignored. */
export function parseQuantityValue(value: string | number): Quantity {
  return parseQuantity((typeof value === 'number' ? String(value) : value).trim());
}

export const compareQuantities = (a: Quantity, b: Quantity): -1 | 0 | 1 => (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0);
