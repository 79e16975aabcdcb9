// Label and field selectors of list and watch requests (k8s.io/apimachinery/pkg/labels and
// pkg/fields), with upstream's error messages; a bad selector is a 400.
import { badRequest, type LabelSelector } from '@everynode/contracts';
import { labelValueErrors, qualifiedNameErrors } from './label-validation';

export type LabelOperator = 'In' | 'NotIn' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

export interface Requirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and unique, as upstream keeps them. */
  readonly values: readonly string[];
}

/** All requirements must hold; an empty list selects everything, `null` selects nothing. */
export type LabelSelectorMatcher = readonly Requirement[] | null;

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';
interface Item {
  token: Token;
  literal: string;
}

const KEYWORDS: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };
const keyword = (text: string): Token | undefined => (Object.prototype.hasOwnProperty.call(KEYWORDS, text) ? KEYWORDS[text] : undefined);
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch);

/** The lexer of labels.Parse: operators are the longest run of special symbols that forms a token. */
function lex(text: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text[pos])) pos++;
    if (pos >= text.length) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    const start = pos;
    if (isSpecial(text[pos])) {
      let last: Item | undefined;
      while (pos < text.length && isSpecial(text[pos])) {
        const found = keyword(text.slice(start, pos + 1));
        if (found) last = { token: found, literal: text.slice(start, pos + 1) };
        else if (last) break;
        pos++;
      }
      if (last) pos = start + last.literal.length;
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${text.slice(start, pos)}'` });
    } else {
      while (pos < text.length && !isSpecial(text[pos]) && !isWhitespace(text[pos])) pos++;
      const literal = text.slice(start, pos);
      items.push({ token: keyword(literal) ?? 'identifier', literal });
    }
  }
}

class ParseError extends Error {}

/** labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h,i>1`. Throws a 400 Status on a bad selector. */
export function parseLabelSelector(text: string): Requirement[] {
  try {
    return new LabelParser(lex(text)).parse().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } catch (error) {
    if (error instanceof ParseError) throw badRequest(error.message);
    throw error;
  }
}

class LabelParser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In value position the keywords `in` and `notin` are plain identifiers. */
  private peek(values = true): Item {
    const item = this.items[this.position];
    return values && (item.token === 'in' || item.token === 'notin') ? { token: 'identifier', literal: item.literal } : item;
  }

  private next(values = true): Item {
    const item = this.peek(values);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { token, literal } = this.peek();
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== '!') throw new ParseError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.requirement());
      } catch (error) {
        if (error instanceof ParseError) throw new ParseError(`unable to parse requirement: ${error.message}`);
        throw error;
      }
      const after = this.next();
      if (after.token === 'end') return requirements;
      if (after.token !== ',') throw new ParseError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.token !== 'identifier' && following.token !== '!') throw new ParseError(`found '${following.literal}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let negated = false;
    let item = this.next();
    if (item.token === '!') {
      negated = true;
      item = this.next();
    }
    if (item.token !== 'identifier') throw new ParseError(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) throw new ParseError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
    const ahead = this.peek().token;
    if (negated || ahead === 'end' || ahead === ',') return newRequirement(key, negated ? 'DoesNotExist' : 'Exists', []);

    const operator = this.operator();
    const values = operator === 'In' || operator === 'NotIn' ? this.valueSet() : this.exactValue();
    return newRequirement(key, operator, [...new Set(values)].sort());
  }

  private operator(): LabelOperator {
    const { token, literal } = this.next(false);
    const operators: Partial<Record<Token, LabelOperator>> = {
      in: 'In', '=': 'Equals', '==': 'DoubleEquals', '>': 'GreaterThan', '<': 'LessThan', notin: 'NotIn', '!=': 'NotEquals',
    };
    const operator = operators[token];
    if (!operator) throw new ParseError(`found '${literal}', expected: ${BINARY_OPERATORS}`);
    return operator;
  }

  /** `(a,b,c)`; empty members are the empty string. */
  private valueSet(): string[] {
    const open = this.next();
    if (open.token !== '(') throw new ParseError(`found '${open.literal}' expected: '('`);
    const first = this.peek();
    if (first.token === ')') {
      this.next();
      return [''];
    }
    if (first.token !== 'identifier' && first.token !== ',') throw new ParseError(`found '${first.literal}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const item = this.next();
      if (item.token === 'identifier') {
        values.push(item.literal);
        const ahead = this.peek();
        if (ahead.token === ')') break;
        if (ahead.token !== ',') throw new ParseError(`found '${ahead.literal}', expected: ',' or ')'`);
      } else if (item.token === ',') {
        if (values.length === 0) values.push('');
        const ahead = this.peek().token;
        if (ahead === ')') {
          values.push('');
          break;
        }
        if (ahead === ',') values.push('');
      } else {
        throw new ParseError(`found '${item.literal}', expected: ',', or identifier`);
      }
    }
    this.next(); // the ')' seen ahead
    return values;
  }

  private exactValue(): string[] {
    const ahead = this.peek().token;
    if (ahead === 'end' || ahead === ',') return [''];
    const item = this.next();
    if (item.token !== 'identifier') throw new ParseError(`found '${item.literal}', expected: identifier`);
    return [item.literal];
  }
}

const INTEGER = /^[+-]?\d+$/;

/** labels.NewRequirement: validates the values (the key was validated by the caller). */
function newRequirement(key: string, operator: LabelOperator, values: string[]): Requirement {
  const errors: string[] = [];
  if (operator === 'GreaterThan' || operator === 'LessThan') {
    values.forEach((value, i) => {
      if (!INTEGER.test(value)) errors.push(`values[${i}]: Invalid value: ${JSON.stringify(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((value, i) => {
    const problems = labelValueErrors(value);
    if (problems.length > 0) errors.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(value)}: ${problems.join('; ')}`);
  });
  if (errors.length === 1) throw new ParseError(errors[0]);
  if (errors.length > 1) throw new ParseError(`[${errors.join(', ')}]`);
  return { key, operator, values };
}

const hasLabel = (labels: Readonly<Record<string, string>>, key: string) => Object.prototype.hasOwnProperty.call(labels, key);

function requirementMatches(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const { key, operator, values } = requirement;
  switch (operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return hasLabel(labels, key) && values.includes(labels[key]);
    case 'NotIn':
    case 'NotEquals':
      return !hasLabel(labels, key) || !values.includes(labels[key]);
    case 'Exists':
      return hasLabel(labels, key);
    case 'DoesNotExist':
      return !hasLabel(labels, key);
    case 'GreaterThan':
    case 'LessThan': {
      if (!hasLabel(labels, key) || !INTEGER.test(labels[key]) || values.length !== 1 || !INTEGER.test(values[0])) return false;
      const actual = BigInt(labels[key]);
      const bound = BigInt(values[0]);
      return operator === 'GreaterThan' ? actual > bound : actual < bound;
    }
  }
}

export function matchesLabels(selector: LabelSelectorMatcher, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector === null) return false;
  return selector.every((requirement) => requirementMatches(requirement, labels ?? {}));
}

const SYMBOLS: Record<LabelOperator, string> = {
  Equals: '=', DoubleEquals: '==', NotEquals: '!=', In: ' in ', NotIn: ' notin ', GreaterThan: '>', LessThan: '<', Exists: '', DoesNotExist: '',
};

/** Requirement.String / Selector.String: `a=b,c in (x,y),!d`. */
export function labelSelectorToString(selector: LabelSelectorMatcher): string {
  return (selector ?? [])
    .map(({ key, operator, values }) => {
      if (operator === 'Exists') return key;
      if (operator === 'DoesNotExist') return `!${key}`;
      const joined = [...values].sort().join(',');
      return operator === 'In' || operator === 'NotIn' ? `${key}${SYMBOLS[operator]}(${joined})` : `${key}${SYMBOLS[operator]}${joined}`;
    })
    .join(',');
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = { In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist' };

/** metav1.LabelSelectorAsSelector: a DaemonSet's `spec.selector` as a matcher. Throws a 400 on an invalid selector. */
export function selectorFromLabelSelector(selector: LabelSelector | undefined | null): LabelSelectorMatcher {
  if (!selector) return null;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  const requirements: Requirement[] = [];
  try {
    for (const [key, value] of matchLabels) requirements.push(validated(key, 'Equals', [value]));
    for (const expression of expressions) {
      const operator = Object.prototype.hasOwnProperty.call(EXPRESSION_OPERATORS, expression.operator) ? EXPRESSION_OPERATORS[expression.operator] : undefined;
      if (!operator) throw new ParseError(`${JSON.stringify(expression.operator)} is not a valid label selector operator`);
      requirements.push(validated(expression.key, operator, [...(expression.values ?? [])]));
    }
  } catch (error) {
    if (error instanceof ParseError) throw badRequest(error.message);
    throw error;
  }
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** How Go's `%#v` prints the values of a rejected requirement. */
const goStrings = (values: string[]) => (values.length === 0 ? '[]string(nil)' : `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);

function validated(key: string, operator: LabelOperator, values: string[]): Requirement {
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) throw new ParseError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    throw new ParseError(`values: Invalid value: ${goStrings(values)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    throw new ParseError(`values: Invalid value: ${goStrings(values)}: values set must be empty for exists and does not exist`);
  }
  return newRequirement(key, operator, values);
}

/** metav1.FormatLabelSelector: the DaemonSet SELECTOR column (`<none>` when empty, `<error>` when invalid). */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  try {
    return labelSelectorToString(selectorFromLabelSelector(selector)) || '<none>';
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: `k=v` pairs sorted and comma-joined, or `<none>` (the NODE SELECTOR column). */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined | null): string {
  const pairs = Object.entries(labels ?? {}).map(([key, value]) => `${key}=${value}`);
  return pairs.sort().join(',') || '<none>';
}

// ---- field selectors ----

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

export type SelectableKind = 'DaemonSet' | 'Pod' | 'Node' | 'Namespace';

/** The fields each resource can be selected by (the API server's field label conversions). */
export const SELECTABLE_FIELDS: Readonly<Record<SelectableKind, readonly string[]>> = {
  DaemonSet: ['metadata.name', 'metadata.namespace'],
  Pod: [
    'metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName',
    'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName',
  ],
  Node: ['metadata.name', 'spec.unschedulable'],
  Namespace: ['metadata.name', 'status.phase'],
};

/** Splits at commas not escaped by a backslash (fields.splitTerms). */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    if (escaped) escaped = false;
    else if (text[i] === '\\') escaped = true;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; a bare `,` or `=` is refused. */
function unescapeValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw new ParseError(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      escaped = false;
    } else if (ch === '\\') escaped = true;
    else if (ch === ',' || ch === '=') throw new ParseError(`invalid field selector: unescaped character in value: ${ch}`);
    else out += ch;
  }
  if (escaped) throw new ParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * fields.ParseSelector: `metadata.name=x,spec.nodeName!=n`. With `kind`, fields the resource cannot
 * be selected by are refused the way the API server refuses them. Throws a 400 Status.
 */
export function parseFieldSelector(text: string, kind?: SelectableKind): FieldRequirement[] {
  try {
    const requirements: FieldRequirement[] = [];
    for (const term of splitTerms(text).sort()) {
      if (term === '') continue;
      const split = /!=|==|=/.exec(term);
      if (!split) throw new ParseError(`invalid selector: '${text}'; can't understand '${term}'`);
      const field = term.slice(0, split.index);
      const value = unescapeValue(term.slice(split.index + split[0].length));
      requirements.push({ field, operator: split[0] === '!=' ? '!=' : '=', value });
    }
    if (kind) for (const { field } of requirements) checkSelectable(kind, field);
    return requirements;
  } catch (error) {
    if (error instanceof ParseError) throw badRequest(error.message);
    throw error;
  }
}

function checkSelectable(kind: SelectableKind, field: string): void {
  if (SELECTABLE_FIELDS[kind].includes(field)) return;
  // apps/v1 kinds use the generic conversion, the core kinds their own; so the wording differs.
  if (kind === 'DaemonSet') throw new ParseError(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
  throw new ParseError(`field label not supported: ${field}`);
}

/** A missing field reads as the empty string, as in fields.Set. */
export function matchesFields(selector: readonly FieldRequirement[], fields: Readonly<Record<string, string>>): boolean {
  return selector.every(({ field, operator, value }) => {
    const actual = Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : '';
    return operator === '=' ? actual === value : actual !== value;
  });
}

interface SelectableObject {
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The field set an object is selected by (the registries' GetAttrs / ToSelectableFields). */
export function selectableFields(kind: SelectableKind, object: SelectableObject): Record<string, string> {
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  const name = text(object.metadata?.name);
  const namespace = text(object.metadata?.namespace);
  switch (kind) {
    case 'DaemonSet':
      return { 'metadata.name': name, 'metadata.namespace': namespace };
    case 'Pod': {
      const podIPs = Array.isArray(status.podIPs) ? (status.podIPs as { ip?: string }[]) : [];
      return {
        'metadata.name': name,
        'metadata.namespace': namespace,
        'spec.nodeName': text(spec.nodeName),
        'spec.restartPolicy': text(spec.restartPolicy),
        'spec.schedulerName': text(spec.schedulerName),
        'spec.serviceAccountName': text(spec.serviceAccountName),
        'spec.hostNetwork': String(spec.hostNetwork === true),
        'status.phase': text(status.phase),
        'status.podIP': text(podIPs[0]?.ip) || text(status.podIP),
        'status.nominatedNodeName': text(status.nominatedNodeName),
      };
    }
    case 'Node':
      return { 'metadata.name': name, 'spec.unschedulable': String(spec.unschedulable === true) };
    case 'Namespace':
      return { 'metadata.name': name, 'status.phase': text(status.phase) };
  }
}
