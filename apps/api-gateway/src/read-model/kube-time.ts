/** Kubernetes timestamps are RFC 3339 with second precision (`2025-01-01T00:00:00Z`); the log keeps milliseconds. */
export const kubeTime = (iso: string | undefined): string | undefined => (iso ? iso.replace(/\.\d+Z$/, 'Z') : undefined);
