import { labelValueErrors, qualifiedNameErrors } from './label-validation';

describe('label keys (IsQualifiedName)', () => {
  it.each(['a', 'node-role.kubernetes.io/worker', 'kubernetes.io/os', 'A.b_c-9', 'x'.repeat(63), `${'a'.repeat(253)}/b`])('accepts %s', (key) => {
    expect(qualifiedNameErrors(key)).toEqual([]);
  });

  it('refuses a bad prefix, an empty or long name, and more than one slash', () => {
    expect(qualifiedNameErrors('Example.com/a')).toEqual([
      "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(qualifiedNameErrors(`${'a'.repeat(254)}/b`)).toEqual(['prefix part must be no more than 253 characters']);
    expect(qualifiedNameErrors('a/')).toEqual(['name part must be non-empty']);
    expect(qualifiedNameErrors('x'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(qualifiedNameErrors('a/b/c')).toEqual([
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') " +
        "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
    expect(qualifiedNameErrors('-a')).toHaveLength(1);
  });
});

describe('label values (IsValidLabelValue)', () => {
  it('accepts the empty string and refuses bad characters and long values', () => {
    expect(labelValueErrors('')).toEqual([]);
    expect(labelValueErrors('v1.2_3-x')).toEqual([]);
    expect(labelValueErrors('a b')).toHaveLength(1);
    expect(labelValueErrors('-'.repeat(64))).toHaveLength(2);
  });
});
