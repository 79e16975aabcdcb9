import { statusThrownBy } from '@everynode/contracts';
import { decideCreateNamespace } from './namespace.decider';

const meta = { causationId: 'c', correlationId: 'c', actor: 'admin' };
const create = (name: unknown, labels?: unknown) =>
  decideCreateNamespace({ version: 0, record: null }, { name, labels } as { name: string; labels?: Record<string, string> }, meta, () => 'id');

describe('creating a namespace', () => {
  it('takes a DNS label as name and label-shaped labels', () => {
    const [event] = create('tkr-system', { team: 'a' });
    expect(event.data.labels).toEqual({ 'kubernetes.io/metadata.name': 'tkr-system', team: 'a' });
  });

  it('refuses a name longer than 63 characters or with dots as 422 Invalid, as the API server does', () => {
    expect(statusThrownBy(() => create('a'.repeat(64)))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: `Namespace "${'a'.repeat(64)}" is invalid: metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
      details: { kind: 'Namespace', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] },
    });
    expect(statusThrownBy(() => create('a.b')).message).toBe('Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots');
  });

  // Found by fuzzing the API: namespace labels reached the log unchecked.
  it('refuses invalid labels (422) and labels that are not strings (400)', () => {
    const status = statusThrownBy(() => create('ns', { 'a/b/c': 'x', ok: 'v'.repeat(64) }));
    expect(status.code).toBe(422);
    expect(status.details?.causes?.map((c) => c.field)).toEqual(['metadata.labels', 'metadata.labels']);
    expect(status.details?.causes?.[1].message).toBe(`Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`);
    expect(statusThrownBy(() => create('ns', { a: 1 }))).toMatchObject({ code: 400, message: 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string' });
    expect(statusThrownBy(() => create('ns', ['x'])).code).toBe(400);
  });
});
