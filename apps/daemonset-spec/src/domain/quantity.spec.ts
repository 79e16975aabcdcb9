import fc from 'fast-check';
import { compareQuantities, parseQuantity, parseQuantityValue, QUANTITY_FORMAT_ERROR } from './quantity';

const NANO = 1_000_000_000n;
const MAX_NANOS = (2n ** 63n - 1n) * NANO;

describe('parseQuantity', () => {
  it.each([
    ['100m', 100_000_000n, '100m'],
    ['200Mi', 200n * 2n ** 20n * NANO, '200Mi'],
    ['1.5', 1_500_000_000n, '1500m'],
    ['0.1', 100_000_000n, '100m'],
    ['2e3', 2000n * NANO, '2e3'],
    ['1Ki', 1024n * NANO, '1Ki'],
    ['1000m', NANO, '1'],
    ['2000', 2000n * NANO, '2k'],
    ['1.5Gi', 1536n * 2n ** 20n * NANO, '1536Mi'],
    ['2048Ki', 2n * 2n ** 20n * NANO, '2Mi'],
    ['512', 512n * NANO, '512'],
    ['+1', NANO, '+1'],
    ['-1', -NANO, '-1'],
    ['1E3', 1000n * NANO, '1E3'],
    ['0.0000000001', 1n, '1n'],
    ['1e-10', 1n, '1e-9'],
    ['100Ei', MAX_NANOS, '9223372036854775807'],
    ['0', 0n, '0'],
    ['.', 0n, '0'],
    ['-', 0n, '0'],
  ])('%s is %s nanos and prints as %s', (text, nanos, printed) => {
    const q = parseQuantity(text);
    expect(q.nanos).toBe(nanos);
    expect(q.text).toBe(printed);
  });

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1.5.5', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['1K', "unable to parse quantity's suffix"],
    ['1e', "unable to parse quantity's suffix"],
    ['1Mb', QUANTITY_FORMAT_ERROR],
    ['-e-12', 'unable to parse numeric part of quantity'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseQuantity(text)).toThrow(message);
  });

  it('reads JSON numbers and ignores surrounding spaces, as Quantity.UnmarshalJSON', () => {
    expect(parseQuantityValue(0.5).text).toBe('500m');
    expect(parseQuantityValue(' 100m ').nanos).toBe(100_000_000n);
  });

  it('compares exactly', () => {
    expect(compareQuantities(parseQuantity('300Mi'), parseQuantity('200Mi'))).toBe(1);
    expect(compareQuantities(parseQuantity('1'), parseQuantity('1000m'))).toBe(0);
    expect(compareQuantities(parseQuantity('999999999n'), parseQuantity('1'))).toBe(-1);
  });
});

describe('parseQuantity against an independent oracle', () => {
  const SI: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  const suffix = fc.oneof(
    fc.constantFrom(...Object.keys(SI), ...Object.keys(BINARY)),
    fc.integer({ min: -15, max: 15 }).map((e) => `e${e}`),
  );
  const quantity = fc
    .record({
      sign: fc.constantFrom('', '+', '-'),
      whole: fc.stringMatching(/^[0-9]{0,8}$/),
      fraction: fc.option(fc.stringMatching(/^[0-9]{0,8}$/), { nil: undefined }),
      suffix,
    })
    .filter(({ whole, fraction }) => whole.length + (fraction?.length ?? 0) > 0);

  /** value = ±(whole.fraction) × multiplier, in nanos rounded away from zero, capped at the int64 maximum. */
  function oracle({ sign, whole, fraction, suffix: s }: { sign: string; whole: string; fraction?: string; suffix: string }): bigint {
    const digits = BigInt(`${whole}${fraction ?? ''}` || '0');
    let numerator = digits * NANO;
    let denominator = 10n ** BigInt(fraction?.length ?? 0);
    const exp10 = s in SI ? SI[s] : s in BINARY ? 0 : Number(s.slice(1));
    if (s in BINARY) numerator *= 2n ** BigInt(BINARY[s]);
    if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
    else denominator *= 10n ** BigInt(-exp10);
    let nanos = (numerator + denominator - 1n) / denominator;
    if (nanos > MAX_NANOS) nanos = MAX_NANOS;
    return sign === '-' ? -nanos : nanos;
  }

  const text = (q: { sign: string; whole: string; fraction?: string; suffix: string }) =>
    `${q.sign}${q.whole}${q.fraction === undefined ? '' : `.${q.fraction}`}${q.suffix}`;

  it('parses every generated quantity to the oracle value', () => {
    fc.assert(
      fc.property(quantity, (q) => {
        expect(parseQuantity(text(q)).nanos).toBe(oracle(q));
      }),
      { numRuns: 500 },
    );
  });

  it('prints a text that parses back to the same value', () => {
    fc.assert(
      fc.property(quantity, (q) => {
        const parsed = parseQuantity(text(q));
        expect(parseQuantity(parsed.text).nanos).toBe(parsed.nanos);
      }),
      { numRuns: 500 },
    );
  });

  it('orders like the oracle', () => {
    fc.assert(
      fc.property(quantity, quantity, (a, b) => {
        const expected = oracle(a) < oracle(b) ? -1 : oracle(a) > oracle(b) ? 1 : 0;
        expect(compareQuantities(parseQuantity(text(a)), parseQuantity(text(b)))).toBe(expected);
      }),
    );
  });
});
