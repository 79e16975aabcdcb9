import { ageOf, humanDuration } from './human-duration';

const ms = 1;
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

// The table tests of k8s.io/apimachinery/pkg/util/duration/duration_test.go (nanoseconds become milliseconds).
describe('humanDuration (upstream TestHumanDuration)', () => {
  it.each([
    [s, '1s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [70 * m, '70m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * 24 * h, '367d'],
    [(365 * 2 * 24 + 25) * h, '2y1d'],
    [(365 * 8 * 24 + 2) * h, '8y'],
  ])('%d ms -> %s', (input, want) => expect(humanDuration(input)).toBe(want));
});

describe('humanDuration (upstream TestHumanDurationBoundaries)', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-2 * s + ms, '0s'],
    [0, '0s'],
    [s - ms, '0s'],
    [2 * m - ms, '119s'],
    [2 * m, '2m'],
    [2 * m + s, '2m1s'],
    [10 * m - ms, '9m59s'],
    [10 * m, '10m'],
    [10 * m + s, '10m'],
    [3 * h - ms, '179m'],
    [3 * h, '3h'],
    [3 * h + m, '3h1m'],
    [8 * h - ms, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 59 * m, '8h'],
    [2 * d - ms, '47h'],
    [2 * d, '2d'],
    [2 * d + h, '2d1h'],
    [8 * d - ms, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 23 * h, '8d'],
    [2 * y - ms, '729d'],
    [2 * y, '2y'],
    [2 * y + 23 * h, '2y'],
    [2 * y + 23 * h + 59 * m, '2y'],
    [2 * y + 24 * h - ms, '2y'],
    [2 * y + 24 * h, '2y1d'],
    [3 * y, '3y'],
    [4 * y, '4y'],
    [5 * y, '5y'],
    [6 * y, '6y'],
    [7 * y, '7y'],
    [8 * y - ms, '7y364d'],
    [8 * y, '8y'],
    [8 * y + 364 * d, '8y'],
    [9 * y, '9y'],
  ])('%d ms -> %s', (input, want) => expect(humanDuration(input)).toBe(want));

  it('matches the examples of the brief', () => {
    expect([25 * s, 119 * s, 2 * m, 5 * m + 3 * s, 10 * m, 3 * h, 3 * h + 5 * m, 2 * d, 3 * d + 4 * h, 10 * d, 2 * y, 3 * y].map(humanDuration))
      .toEqual(['25s', '119s', '2m', '5m3s', '10m', '3h', '3h5m', '2d', '3d4h', '10d', '2y', '3y']);
  });
});

describe('ageOf', () => {
  const now = Date.parse('2025-01-01T00:10:00Z');
  it('prints the age of a creationTimestamp', () => expect(ageOf('2025-01-01T00:04:57Z', now)).toBe('5m3s'));
  it('prints <unknown> for a missing or unparsable timestamp', () => {
    expect(ageOf(undefined, now)).toBe('<unknown>');
    expect(ageOf(null, now)).toBe('<unknown>');
    expect(ageOf('yesterday', now)).toBe('<unknown>');
  });
});
