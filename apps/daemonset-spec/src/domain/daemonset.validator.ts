// apps/v1 DaemonSet validation (pkg/apis/apps/validation ValidateDaemonSet / ValidateDaemonSetUpdate):
// every cause with upstream's field, reason and message, in upstream's order. Runs on the defaulted
// object (as the API server does); an absent value reads as its default, a wrong-shaped one as absent.
import type { DaemonSet, LabelSelector, StatusCause } from '@everynode/contracts';
import { FieldErrors } from './field-errors';
import { goIntOrString, goLabelSelector, goPointer, goQuote, goStringMap } from './go-format';
import { arr, entries, num, obj, present, str, type JsonObject } from './json-access';
import { isQualifiedName, isValidLabelValue, isValidPercent } from './k8s-names';
import { isSelectorUsable, selectorMatches } from './label-selector';
import { validateLabels, validateObjectMeta } from './meta.validator';
import { validatePodTemplate } from './pod-template.validator';

const NON_NEGATIVE = 'must be greater than or equal to 0';

export function validateDaemonSet(ds: DaemonSet, old?: DaemonSet): StatusCause[] {
  const fe = new FieldErrors();
  const root = obj(ds) ?? {};
  validateObjectMeta(root.metadata, fe);
  validateSpec(obj(root.spec) ?? {}, fe);
  if (old) {
    // apps/v1 forbids changing the selector; upstream checks it after everything else.
    const selector = obj(obj(root.spec)?.selector);
    if (selectorKey(selector) !== selectorKey(obj(obj(obj(old)?.spec)?.selector))) {
      fe.invalid('spec.selector', goLabelSelector(selector), 'field is immutable');
    }
  }
  return fe.causes;
}

function validateSpec(spec: JsonObject, fe: FieldErrors): void {
  const selector = obj(spec.selector);
  const templateLabels = obj(obj(obj(spec.template)?.metadata)?.labels);
  if (!selector) fe.required('spec.selector');
  else validateLabelSelector(selector, 'spec.selector', fe);
  // An absent selector selects nothing, so it never matches the template either.
  const typed = selector && sanitize(selector);
  if ((!typed || isSelectorUsable(typed)) && !selectorMatches(typed, templateLabels as Record<string, string>)) {
    fe.invalid('spec.template.metadata.labels', goStringMap(templateLabels), '`selector` does not match template `labels`');
  }
  if (selector && entries(selector.matchLabels).length + (arr(selector.matchExpressions) ?? []).length === 0) {
    fe.invalid('spec.selector', goLabelSelector(selector), 'empty selector is invalid for daemonset');
  }

  validatePodTemplate(spec.template, 'spec.template', fe);
  const podSpec = obj(obj(spec.template)?.spec) ?? {};
  const restartPolicy = str(podSpec.restartPolicy) || 'Always';
  if (restartPolicy !== 'Always') fe.notSupported('spec.template.spec.restartPolicy', goQuote(restartPolicy), ['Always']);
  if (present(podSpec.activeDeadlineSeconds)) {
    fe.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported');
  }
  const minReadySeconds = num(spec.minReadySeconds);
  if (minReadySeconds !== undefined && minReadySeconds < 0) fe.invalid('spec.minReadySeconds', String(minReadySeconds), NON_NEGATIVE);
  validateUpdateStrategy(obj(spec.updateStrategy) ?? {}, 'spec.updateStrategy', fe);
  const historyLimit = num(spec.revisionHistoryLimit);
  if (historyLimit !== undefined && historyLimit < 0) fe.invalid('spec.revisionHistoryLimit', String(historyLimit), NON_NEGATIVE);
}

/** ValidateLabelSelector. */
function validateLabelSelector(selector: JsonObject, path: string, fe: FieldErrors): void {
  validateLabels(selector.matchLabels, `${path}.matchLabels`, fe);
  (arr(selector.matchExpressions) ?? []).forEach((e, i) => {
    const expr = obj(e) ?? {};
    const at = `${path}.matchExpressions[${i}]`;
    const values = arr(expr.values) ?? [];
    const operator = str(expr.operator) ?? '';
    if (operator === 'In' || operator === 'NotIn') {
      if (!values.length) fe.required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length) fe.forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else {
      fe.invalid(`${at}.operator`, goQuote(operator), 'not a valid selector operator');
    }
    const key = str(expr.key) ?? '';
    fe.invalidEach(`${at}.key`, key, isQualifiedName(key));
    values.forEach((v, j) => fe.invalidEach(`${at}.values[${j}]`, str(v) ?? '', isValidLabelValue(str(v) ?? '')));
  });
}

function validateUpdateStrategy(strategy: JsonObject, path: string, fe: FieldErrors): void {
  const type = str(strategy.type) || 'RollingUpdate';
  if (type === 'OnDelete') return;
  if (type !== 'RollingUpdate') {
    const rendered = `apps.DaemonSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${goPointer('apps.RollingUpdateDaemonSet', present(strategy.rollingUpdate))}}`;
    fe.notSupported(path, rendered, ['RollingUpdate', 'OnDelete']);
    return;
  }
  const rolling = obj(strategy.rollingUpdate) ?? {};
  const maxUnavailable = intOrString(rolling.maxUnavailable, 1);
  const maxSurge = intOrString(rolling.maxSurge, 0);
  const at = `${path}.rollingUpdate`;
  validatePositiveIntOrPercent(maxUnavailable, `${at}.maxUnavailable`, fe);
  validatePositiveIntOrPercent(maxSurge, `${at}.maxSurge`, fe);
  notMoreThan100Percent(maxUnavailable, `${at}.maxUnavailable`, fe);
  notMoreThan100Percent(maxSurge, `${at}.maxSurge`, fe);
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) fe.invalid(`${at}.maxSurge`, goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero');
  if (!hasUnavailable && !hasSurge) fe.required(`${at}.maxUnavailable`, 'cannot be 0 when maxSurge is 0');
}

const intOrString = (v: unknown, fallback: number): number | string => (typeof v === 'string' || typeof v === 'number' ? v : fallback);

function validatePositiveIntOrPercent(v: number | string, path: string, fe: FieldErrors): void {
  if (typeof v === 'string') for (const m of isValidPercent(v)) fe.invalid(path, goIntOrString(v), m);
  else if (v < 0) fe.invalid(path, String(v), NON_NEGATIVE);
}

function notMoreThan100Percent(v: number | string, path: string, fe: FieldErrors): void {
  if (typeof v === 'string' && isValidPercent(v).length === 0 && Number(v.slice(0, -1)) > 100) {
    fe.invalid(path, goIntOrString(v), 'must not be greater than 100%');
  }
}

/** getIntOrPercentValue: a percent's number, else IntOrString.IntValue() (strconv.Atoi, 0 on error). */
function intOrPercentValue(v: number | string): number {
  if (typeof v === 'number') return v;
  if (isValidPercent(v).length === 0) return Number(v.slice(0, -1));
  return /^[+-]?\d+$/.test(v) ? Number(v) : 0;
}

/** Only the shapes LabelSelector can hold, for the matcher. */
const sanitize = (sel: JsonObject): LabelSelector => ({
  matchLabels: obj(sel.matchLabels) as Record<string, string> | undefined,
  matchExpressions: (arr(sel.matchExpressions) ?? []) as LabelSelector['matchExpressions'],
});

/** Semantic equality of selectors: nil and empty maps/lists are equal, map order is not significant. */
function selectorKey(sel: JsonObject | undefined): string {
  if (!sel) return 'nil';
  const labels = entries(sel.matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (arr(sel.matchExpressions) ?? []).map((e) => [str(obj(e)?.key), str(obj(e)?.operator), arr(obj(e)?.values) ?? []]);
  return JSON.stringify([labels, exprs]);
}
