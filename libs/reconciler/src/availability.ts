// Pod readiness, availability, the pod order upstream keeps, and the failed-pod backoff.
import type { PodView } from './state';

export const isTerminal = (pod: PodView) => pod.phase === 'Failed' || pod.phase === 'Succeeded';

export const isReady = (pod: PodView) => pod.ready && !isTerminal(pod);

/** podutil.IsPodAvailable: Ready for at least minReadySeconds. */
export function isAvailable(pod: PodView, minReadySeconds: number, now: number): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  return pod.readySince !== null && pod.readySince + minReadySeconds * 1000 <= now;
}

/** ms until a Ready pod becomes available, or undefined if it is available or not Ready. */
export function msUntilAvailable(pod: PodView, minReadySeconds: number, now: number): number | undefined {
  if (!isReady(pod) || minReadySeconds <= 0 || pod.readySince === null) return undefined;
  const wait = pod.readySince + minReadySeconds * 1000 - now;
  return wait > 0 ? wait : undefined;
}

/** The pod to keep first: Ready ones, then the earliest scheduled, then by name. */
export function keepOrder(a: PodView, b: PodView): number {
  if (isReady(a) !== isReady(b)) return isReady(a) ? -1 : 1;
  if (a.scheduledAt !== b.scheduledAt) return a.scheduledAt - b.scheduledAt;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export const BACKOFF_INITIAL_MS = 1000;
export const BACKOFF_MAX_MS = 15 * 60 * 1000;

/** The wait after the n-th failure in a row (1 s, 2 s, 4 s, … capped at 15 min), like flowcontrol.Backoff. */
export function backoffDelayMs(failures: number): number {
  return Math.min(BACKOFF_INITIAL_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS);
}
