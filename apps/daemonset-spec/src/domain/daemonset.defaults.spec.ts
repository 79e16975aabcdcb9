import { applyDefaults, imageTag } from './daemonset.defaults';
import { liberator } from './fixtures/liberator.fixture';

describe('applyDefaults', () => {
  it('adds the defaults kubectl users see and keeps the liberator spec as written', () => {
    const written = liberator();
    const defaulted = applyDefaults(written);
    expect(defaulted.spec).toEqual({
      selector: { matchLabels: { name: 'liberator' } },
      template: {
        metadata: { labels: { name: 'liberator' } },
        spec: {
          serviceAccountName: 'high-availability',
          containers: [
            {
              name: 'liberator',
              image: 'maho/liberator:0.1',
              resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
          schedulerName: 'default-scheduler',
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
    expect(defaulted.spec).not.toHaveProperty('minReadySeconds');
    expect(defaulted.metadata).toEqual(written.metadata);
  });

  it('returns a new object and leaves its input alone', () => {
    const written = liberator();
    const before = JSON.stringify(written);
    const defaulted = applyDefaults(written);
    expect(JSON.stringify(written)).toBe(before);
    expect(defaulted.spec.template).not.toBe(written.spec.template);
  });

  it('fills only the missing parts of what the user wrote', () => {
    const ds: any = liberator();
    ds.spec.updateStrategy = { rollingUpdate: { maxSurge: '20%' } };
    ds.spec.revisionHistoryLimit = 0;
    ds.spec.template.spec.dnsPolicy = 'ClusterFirstWithHostNet';
    ds.spec.template.spec.terminationGracePeriodSeconds = 5;
    ds.spec.template.spec.containers[0].imagePullPolicy = 'Always';
    const out: any = applyDefaults(ds);
    expect(out.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '20%', maxUnavailable: 1 } });
    expect(out.spec.revisionHistoryLimit).toBe(0);
    expect(out.spec.template.spec).toMatchObject({ dnsPolicy: 'ClusterFirstWithHostNet', terminationGracePeriodSeconds: 5 });
    expect(out.spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
  });

  it('gives OnDelete no rolling update parameters', () => {
    const ds: any = liberator();
    ds.spec.updateStrategy = { type: 'OnDelete' };
    expect((applyDefaults(ds) as any).spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  it('defaults probes, ports, volumes and init containers as upstream', () => {
    const ds: any = liberator();
    const pod = ds.spec.template.spec;
    pod.initContainers = [{ name: 'init', image: 'busybox' }];
    pod.volumes = [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'logs', hostPath: { path: '/var/log' } }];
    pod.containers[0].ports = [{ containerPort: 8080 }];
    pod.containers[0].readinessProbe = { httpGet: { port: 8080 } };
    const out: any = applyDefaults(ds).spec.template.spec;
    expect(out.initContainers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePolicy: 'File' });
    expect(out.volumes).toEqual([
      { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
      { name: 'logs', hostPath: { path: '/var/log', type: '' } },
    ]);
    expect(out.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(out.containers[0].readinessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });
});

describe('imageTag (the pull policy default)', () => {
  it.each([
    ['maho/liberator:0.1', '0.1'],
    ['maho/liberator', 'latest'],
    ['maho/liberator:latest', 'latest'],
    ['localhost:5000/liberator', 'latest'],
    ['registry.example.com:5000/team/liberator:1.2', '1.2'],
    [`maho/liberator@sha256:${'a'.repeat(64)}`, ''],
    [`maho/liberator:0.1@sha256:${'a'.repeat(64)}`, '0.1'],
    ['Maho/Liberator', ''],
    ['', ''],
  ])('%s has tag %j', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
