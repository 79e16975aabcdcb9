import { KubeStatusError } from '@everynode/contracts';
import { taintErrors } from './taint-validation';

describe('node taints (validateNodeTaints)', () => {
  it('accepts what kubectl taint writes', () => {
    const taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
    expect(taintErrors(taints)).toEqual({ taints, causes: [] });
    expect(taintErrors(undefined)).toEqual({ taints: [], causes: [] });
  });

  // Found by the API fuzzer: `"value": null` and unknown fields were stored as sent.
  it('keeps what Go would decode: a null or empty value and unknown fields are left out', () => {
    expect(taintErrors([{ key: 'k', value: null, effect: 'NoSchedule', color: 'red' }, { key: 'j', value: '', effect: 'NoExecute', timeAdded: '2026-11-29T00:00:00Z' }]).taints).toEqual([
      { key: 'k', effect: 'NoSchedule' },
      { key: 'j', effect: 'NoExecute', timeAdded: '2026-11-29T00:00:00Z' },
    ]);
  });

  // Found by the API fuzzer: `{"key":"a/b/c","effect":"NoExecute"}` reached the log.
  it('refuses a key that is not a label name, a bad value, a missing or unknown effect, and a repeated pair', () => {
    const { causes } = taintErrors([
      { key: 'a/b/c', effect: 'NoExecute' },
      { key: 'k', value: 'a b', effect: 'NoSchedule' },
      { key: 'k', effect: '' },
      { key: 'k', effect: 'Sometimes' },
      { key: 'k', effect: 'NoSchedule' },
    ]);
    expect(causes.map((c) => c.field)).toEqual(['spec.taints[0].key', 'spec.taints[1].value', 'spec.taints[2].effect', 'spec.taints[3].effect', 'spec.taints[4]']);
    expect(causes[2].message).toBe('Required value');
    expect(causes[3].message).toBe('Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
    expect(causes[4].message).toBe('Duplicate value: core.Taint{Key:"k", Value:"", Effect:"NoSchedule", TimeAdded:<nil>}: taints must be unique by key and effect pair');
  });

  it('refuses shapes Go cannot decode with a 400', () => {
    for (const taints of [5, [null], [1], [{ key: 'k', effect: 'NoSchedule', value: 5 }]]) {
      expect(() => taintErrors(taints)).toThrow(KubeStatusError);
      try {
        taintErrors(taints);
      } catch (error) {
        expect((error as KubeStatusError).status.code).toBe(400);
      }
    }
  });
});
