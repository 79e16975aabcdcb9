import { statusThrownBy } from '@everynode/contracts';
import { parseDeleteOptions } from './delete-options';

const body = (o: unknown) => Buffer.from(JSON.stringify(o));
const none = Buffer.alloc(0);
const q = (s = '') => new URLSearchParams(s);

describe('parseDeleteOptions', () => {
  it('defaults to Background, as apps/v1 does', () => {
    expect(parseDeleteOptions(none, q())).toEqual({ propagationPolicy: 'Background', dryRun: false });
  });

  it('reads what kubectl delete sends in the body', () => {
    expect(parseDeleteOptions(body({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' }), q()).propagationPolicy).toBe('Orphan');
    expect(parseDeleteOptions(body({ propagationPolicy: 'Foreground', preconditions: { uid: 'u' } }), q())).toEqual({
      propagationPolicy: 'Foreground', dryRun: false, preconditions: { uid: 'u' },
    });
    expect(parseDeleteOptions(body({ dryRun: ['All'] }), q()).dryRun).toBe(true);
  });

  it('reads the query too, and the old orphanDependents', () => {
    expect(parseDeleteOptions(none, q('propagationPolicy=Foreground')).propagationPolicy).toBe('Foreground');
    expect(parseDeleteOptions(none, q('orphanDependents=true')).propagationPolicy).toBe('Orphan');
    expect(parseDeleteOptions(body({ orphanDependents: false }), q()).propagationPolicy).toBe('Background');
    expect(parseDeleteOptions(none, q('dryRun=All')).dryRun).toBe(true);
  });

  it('refuses an unknown policy, both ways of saying it, and a body that is not an object', () => {
    expect(statusThrownBy(() => parseDeleteOptions(body({ propagationPolicy: 'Later' }), q())).message).toBe(
      'propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan"',
    );
    expect(statusThrownBy(() => parseDeleteOptions(body({ propagationPolicy: 'Orphan', orphanDependents: true }), q())).code).toBe(400);
    expect(statusThrownBy(() => parseDeleteOptions(Buffer.from('[1]'), q())).code).toBe(400);
    expect(statusThrownBy(() => parseDeleteOptions(Buffer.from('{'), q())).code).toBe(400);
  });

  // Found by the API fuzzer: a policy such as {"toString":{}} could not even be printed in the 400 (a 500).
  it('refuses fields of the wrong JSON type as the decoder does', () => {
    expect(statusThrownBy(() => parseDeleteOptions(body({ propagationPolicy: { toString: {} } }), q()))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal object into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation',
    });
    expect(statusThrownBy(() => parseDeleteOptions(body({ orphanDependents: 'yes' }), q())).message).toBe('json: cannot unmarshal string into Go struct field DeleteOptions.orphanDependents of type bool');
    expect(statusThrownBy(() => parseDeleteOptions(body({ preconditions: { uid: 5 } }), q())).message).toBe('json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type types.UID');
    expect(statusThrownBy(() => parseDeleteOptions(body({ dryRun: 'All' }), q())).code).toBe(400);
  });
});
