// Update strategy numbers: maxUnavailable and maxSurge scaled against the desired count.
import type { DaemonSetSpec } from '@everynode/contracts';

export interface RolloutBudget {
  maxSurge: number;
  maxUnavailable: number;
}

/** intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true). Invalid → 0 (validation rejects it earlier). */
export function scaledValue(value: number | string | undefined, total: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : 0;
  const m = /^(\d+)%$/.exec(value);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : 0;
}

export const isRollingUpdate = (spec: DaemonSetSpec) => (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** util.AllowsSurge: a RollingUpdate whose maxSurge is non-zero (any percentage of 1 rounds up to 1). */
export function allowsSurge(spec: DaemonSetSpec): boolean {
  return isRollingUpdate(spec) && scaledValue(spec.updateStrategy?.rollingUpdate?.maxSurge, 1) > 0;
}

/** updatedDesiredNodeCounts: both zero with something to run → one unavailable at a time. */
export function rolloutBudget(spec: DaemonSetSpec, desired: number): RolloutBudget {
  const ru = spec.updateStrategy?.rollingUpdate;
  const maxSurge = isRollingUpdate(spec) ? scaledValue(ru?.maxSurge, desired) : 0;
  let maxUnavailable = isRollingUpdate(spec) ? scaledValue(ru?.maxUnavailable, desired) : 0;
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}
