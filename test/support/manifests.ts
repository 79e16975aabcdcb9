// The smallest DaemonSet manifest the API takes: one container, selector and template labels `app: <name>`.
export const daemonSetManifest = (name: string, namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: `example/${name}:1` }] } },
  },
});
