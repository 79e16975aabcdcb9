// A program using @kubernetes/client-node against the gateway, run by plain node (the library is ESM):
// list, watch, create, read, patch and delete DaemonSets with the generated kubeconfig. Prints a JSON
// report on stdout for client-node.e2e.spec.ts to check.
// usage: node client-node-session.mjs <kubeconfig> <manifest.yaml> <namespace>
import { readFileSync } from 'node:fs';

const [kubeconfigPath, manifestPath, namespace] = process.argv.slice(2);
const k8s = await import('@kubernetes/client-node');
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfigPath);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const names = (list) => list.items.map((d) => d.metadata.name);
const report = { version: JSON.parse(readFileSync(new URL(import.meta.resolve('@kubernetes/client-node/package.json')), 'utf8')).version };

const listed = await apps.listNamespacedDaemonSet({ namespace });
report.before = names(listed);
report.listResourceVersion = listed.metadata.resourceVersion;

const events = [];
let sawDeleted;
const deleted = new Promise((resolve) => (sawDeleted = resolve));
const watching = await new k8s.Watch(kc).watch(
  `/apis/apps/v1/namespaces/${namespace}/daemonsets`,
  { resourceVersion: listed.metadata.resourceVersion, allowWatchBookmarks: true },
  (type, object) => {
    if (type === 'BOOKMARK') return;
    events.push(`${type} ${object.kind} ${object.metadata.name}`);
    if (type === 'DELETED') sawDeleted();
  },
  (err) => err && err.name !== 'AbortError' && events.push(`ERROR ${err.message}`),
);

const created = await apps.createNamespacedDaemonSet({ namespace, body: k8s.loadYaml(readFileSync(manifestPath, 'utf8')) });
report.created = { kind: created.kind, name: created.metadata.name, generation: created.metadata.generation, hasUid: Boolean(created.metadata.uid) };
const read = await apps.readNamespacedDaemonSet({ namespace, name: created.metadata.name });
report.read = { image: read.spec.template.spec.containers[0].image, desired: read.status.desiredNumberScheduled };
const patched = await apps.patchNamespacedDaemonSet(
  { namespace, name: created.metadata.name, body: { metadata: { labels: { patched: 'yes' } } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
);
report.patchedLabels = patched.metadata.labels;
report.during = names(await apps.listDaemonSetForAllNamespaces());
await apps.deleteNamespacedDaemonSet({ namespace, name: created.metadata.name });
await Promise.race([deleted, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
watching.abort();
report.events = events;
try {
  await apps.readNamespacedDaemonSet({ namespace, name: created.metadata.name });
  report.afterDelete = 'still there';
} catch (error) {
  report.afterDelete = error.code;
}
console.log(JSON.stringify(report));
