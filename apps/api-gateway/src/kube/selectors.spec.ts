import fc from 'fast-check';
import { statusThrownBy } from '@everynode/contracts';
import {
  formatLabels, formatLabelSelector, labelSelectorToString, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector,
  selectableFields, selectorFromLabelSelector,
} from './selectors';

const NAME_PART_ERROR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
  "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector', () => {
  it('parses every form kubectl can send', () => {
    expect(parseLabelSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h,i==j,k>1,l<10')).toEqual([
      { key: 'a', operator: 'Equals', values: ['b'] },
      { key: 'c', operator: 'NotEquals', values: ['d'] },
      { key: 'e', operator: 'In', values: ['x', 'y'] },
      { key: 'f', operator: 'NotIn', values: ['z'] },
      { key: 'g', operator: 'Exists', values: [] },
      { key: 'h', operator: 'DoesNotExist', values: [] },
      { key: 'i', operator: 'DoubleEquals', values: ['j'] },
      { key: 'k', operator: 'GreaterThan', values: ['1'] },
      { key: 'l', operator: 'LessThan', values: ['10'] },
    ]);
  });

  it.each([
    ['', []],
    ['  ', []],
    ['x=', [{ key: 'x', operator: 'Equals', values: [''] }]],
    ['x= ,z= ', [{ key: 'x', operator: 'Equals', values: [''] }, { key: 'z', operator: 'Equals', values: [''] }]],
    ['x in ()', [{ key: 'x', operator: 'In', values: [''] }]],
    ['x in (,a)', [{ key: 'x', operator: 'In', values: ['', 'a'] }]],
    ['x in (a,,b)', [{ key: 'x', operator: 'In', values: ['', 'a', 'b'] }]],
    ['x in (in,notin)', [{ key: 'x', operator: 'In', values: ['in', 'notin'] }]],
    ['x notin (b, a, b)', [{ key: 'x', operator: 'NotIn', values: ['a', 'b'] }]],
    ['node-role.kubernetes.io/worker', [{ key: 'node-role.kubernetes.io/worker', operator: 'Exists', values: [] }]],
    ['z=1,a=2', [{ key: 'a', operator: 'Equals', values: ['2'] }, { key: 'z', operator: 'Equals', values: ['1'] }]],
  ])('parses %j', (text, expected) => expect(parseLabelSelector(text)).toEqual(expected));

  it.each([
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=a,,y=b', "found ',', expected: identifier after ','"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a@b=c', `unable to parse requirement: <nil>: Invalid value: "a@b": ${NAME_PART_ERROR}`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    ['x=a||y', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_ERROR}`],
    [`x=${'v'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ])('refuses %j with a 400: %s', (text, message) => {
    expect(statusThrownBy(() => parseLabelSelector(text))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });
});

describe('matchesLabels', () => {
  const selector = parseLabelSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h');
  const base = { a: 'b', c: 'other', e: 'x', f: 'w', g: '' };

  it('matches when every requirement holds', () => {
    expect(matchesLabels(selector, base)).toBe(true);
    expect(matchesLabels(selector, { a: 'b', e: 'y', g: 'anything' })).toBe(true); // != and notin hold when the key is absent
  });

  it.each([
    ['a differs', { ...base, a: 'c' }],
    ['a missing', { c: 'other', e: 'x', g: '' }],
    ['c equals d', { ...base, c: 'd' }],
    ['e outside the set', { ...base, e: 'q' }],
    ['f in the excluded set', { ...base, f: 'z' }],
    ['g missing', { a: 'b', e: 'x' }],
    ['h present', { ...base, h: '1' }],
  ])('does not match when %s', (_, labels) => expect(matchesLabels(selector, labels)).toBe(false));

  it('compares gt and lt as integers, never matching non-integers', () => {
    const gt = parseLabelSelector('n>9');
    expect(matchesLabels(gt, { n: '10' })).toBe(true);
    expect(matchesLabels(gt, { n: '9' })).toBe(false);
    expect(matchesLabels(gt, { n: 'ten' })).toBe(false);
    expect(matchesLabels(gt, {})).toBe(false);
    expect(matchesLabels(parseLabelSelector('n<5'), { n: '-2' })).toBe(true); // a label may be negative, a selector value may not
  });

  it('an empty selector matches everything, a null one nothing', () => {
    expect(matchesLabels([], undefined)).toBe(true);
    expect(matchesLabels(null, { a: 'b' })).toBe(false);
  });

  it('does not read inherited properties as labels', () => {
    expect(matchesLabels(parseLabelSelector('toString'), {})).toBe(false);
  });

  it('reprints what it parses, in canonical order', () => {
    expect(labelSelectorToString(parseLabelSelector('x in (b,a), !y ,z, a==1, b>2'))).toBe('a==1,b>2,x in (a,b),!y,z');
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c.io/d'), fc.constantFrom('=', '!=', ' in ', ' notin ', ''), fc.constantFrom('x', 'y', '1')), { maxLength: 4 }),
      (parts) => {
        const text = parts.map(([k, op, v]) => (op.trim() === 'in' || op.trim() === 'notin' ? `${k}${op}(${v})` : op ? `${k}${op}${v}` : k)).join(',');
        const parsed = parseLabelSelector(text);
        expect(parseLabelSelector(labelSelectorToString(parsed))).toEqual(parsed);
      },
    ));
  });
});

describe('LabelSelector objects', () => {
  it('converts a DaemonSet selector and prints it like the SELECTOR column', () => {
    const selector = { matchLabels: { name: 'liberator' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['b', 'a'] }, { key: 'gpu', operator: 'DoesNotExist' as const }] };
    const matcher = selectorFromLabelSelector(selector);
    expect(matchesLabels(matcher, { name: 'liberator', tier: 'a' })).toBe(true);
    expect(matchesLabels(matcher, { name: 'liberator', tier: 'a', gpu: 'yes' })).toBe(false);
    expect(formatLabelSelector(selector)).toBe('!gpu,name=liberator,tier in (a,b)');
  });

  it('prints <none> for an empty or missing selector and <error> for an invalid one', () => {
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' as never }] })).toBe('<error>');
    expect(formatLabelSelector({ matchLabels: { 'a b': 'c' } })).toBe('<error>');
  });

  it('an empty selector selects everything, a missing one nothing', () => {
    expect(selectorFromLabelSelector({})).toEqual([]);
    expect(selectorFromLabelSelector(undefined)).toBeNull();
  });

  it('refuses invalid expressions with upstream wording', () => {
    expect(statusThrownBy(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).message)
      .toBe("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
    expect(statusThrownBy(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).message)
      .toBe('values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist');
    expect(statusThrownBy(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' as never }] })).message)
      .toBe('"Near" is not a valid label selector operator');
  });

  it('formatLabels sorts k=v pairs, <none> when empty', () => {
    expect(formatLabels({ zone: 'b', color: 'blue' })).toBe('color=blue,zone=b');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'liberator-2zjq6', namespace: 'tkr-system' },
    spec: { nodeName: 'k8s-node01', serviceAccountName: 'high-availability', restartPolicy: 'Always' },
    status: { phase: 'Running', podIPs: [{ ip: '10.244.1.5' }] },
  };

  it('parses and matches the selectors kubectl and controllers send', () => {
    const selector = parseFieldSelector('metadata.name=liberator-2zjq6,metadata.namespace=tkr-system,spec.nodeName=k8s-node01,status.phase=Running', 'Pod');
    expect(selector).toEqual([
      { field: 'metadata.name', operator: '=', value: 'liberator-2zjq6' },
      { field: 'metadata.namespace', operator: '=', value: 'tkr-system' },
      { field: 'spec.nodeName', operator: '=', value: 'k8s-node01' },
      { field: 'status.phase', operator: '=', value: 'Running' },
    ]);
    expect(matchesFields(selector, selectableFields('Pod', pod))).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.nodeName=k8s-node02', 'Pod'), selectableFields('Pod', pod))).toBe(false);
    expect(matchesFields(parseFieldSelector('status.phase!=Failed,spec.nodeName==k8s-node01', 'Pod'), selectableFields('Pod', pod))).toBe(true);
    expect(matchesFields(parseFieldSelector('status.nominatedNodeName=', 'Pod'), selectableFields('Pod', pod))).toBe(true);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,,')).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
  });

  it.each([
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: ='],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('refuses %j with a 400: %s', (text, message) => {
    expect(statusThrownBy(() => parseFieldSelector(text))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it('refuses fields a resource cannot be selected by, in each kind\'s wording', () => {
    expect(statusThrownBy(() => parseFieldSelector('spec.foo=x', 'Pod')).message).toBe('field label not supported: spec.foo');
    expect(statusThrownBy(() => parseFieldSelector('status.phase=Ready', 'Node')).message).toBe('field label not supported: status.phase');
    expect(statusThrownBy(() => parseFieldSelector('spec.x=y', 'DaemonSet')).message)
      .toBe('"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
    expect(parseFieldSelector('metadata.name=ns1', 'Namespace')).toHaveLength(1);
  });

  it('computes the selectable fields of each kind', () => {
    expect(selectableFields('Pod', pod)).toEqual({
      'metadata.name': 'liberator-2zjq6', 'metadata.namespace': 'tkr-system', 'spec.nodeName': 'k8s-node01', 'spec.restartPolicy': 'Always',
      'spec.schedulerName': '', 'spec.serviceAccountName': 'high-availability', 'spec.hostNetwork': 'false', 'status.phase': 'Running',
      'status.podIP': '10.244.1.5', 'status.nominatedNodeName': '',
    });
    expect(selectableFields('Pod', { status: { podIP: '10.0.0.1' } })['status.podIP']).toBe('10.0.0.1');
    expect(selectableFields('Node', { metadata: { name: 'n1' }, spec: { unschedulable: true } })).toEqual({ 'metadata.name': 'n1', 'spec.unschedulable': 'true' });
    expect(selectableFields('Namespace', { metadata: { name: 'default' }, status: { phase: 'Active' } })).toEqual({ 'metadata.name': 'default', 'status.phase': 'Active' });
    expect(selectableFields('DaemonSet', { metadata: { name: 'ds', namespace: 'ns' } })).toEqual({ 'metadata.name': 'ds', 'metadata.namespace': 'ns' });
  });
});
