// Pods rendered once, listed many times. `kubectl get pods -A` on 150,000 pods used to present every
// pod, build a Table of 150,000 rows and JSON.stringify 90 MiB on each request; here each pod's Table
// row is kept as JSON text (around the AGE cell, the one cell that changes with time) and rendered
// again only when a record it is made of was replaced (the read model replaces, never mutates, them).
import { Injectable } from '@nestjs/common';
import { humanDuration, matchesFields, matchesLabels, partialObjectMetadata, podCells, podRowConditions, selectableFields } from '../kube';
import type { FieldRequirement, IncludeObject, Requirement } from '../kube';
import { ClusterView, type PodParts } from '../read-model/cluster-view.service';
import type { ByteSink } from '../http/respond';
import { presentPod, type PodObject } from './pod.presenter';

export interface PodRow extends PodParts {
  key: string;
  /**
   * The row as JSON bytes, around its AGE cell: `{"cells":[NAME,READY,STATUS,RESTARTS,` (up to
   * `headEnd`), `IP,NODE,NOMINATED NODE,READINESS GATES]` and `,"conditions":[…]` when there are some
   * (up to `tailEnd`), then `,"object":` PartialObjectMetadata `}`.
   */
  bytes: Buffer;
  headEnd: number;
  tailEnd: number;
  labels: Readonly<Record<string, string>>;
  /** creationTimestamp in ms (NaN: none, AGE `<unknown>`). */
  created: number;
  /** Set when RESTARTS reads the clock too (`3 (5m ago)`): such a row is rendered whole, each time. */
  clocked?: PodObject;
  /** The field set, once a field selector asked for it. */
  fields?: Record<string, string>;
}

const AGE_CELL = 4;

/** A pod presented from its parts (what `KubeObjects` serves for it). */
export const presentParts = (p: PodParts): PodObject =>
  presentPod({ pod: p.pod, ...(p.owner ? { owner: { name: p.owner.name, uid: p.owner.uid }, template: p.template } : {}) }, p.node);

@Injectable()
export class PodRows {
  private readonly rows = new Map<string, PodRow>();

  constructor(private readonly view: ClusterView) {
    view.subscribe((entries) => {
      for (const e of entries) if (e.resource === 'pods' && e.type === 'DELETED') this.rows.delete(e.key);
    });
    // The first `kubectl get pods -A` after a start should not pay for rendering every pod.
    view.beforeReady(() => this.warm());
  }

  /** Renders every pod's row, a slice at a time (folding goes on meanwhile). */
  async warm(): Promise<void> {
    const keys = this.view.sortedPodKeys();
    for (let i = 0; i < keys.length; i += 2000) {
      for (let j = i; j < Math.min(keys.length, i + 2000); j++) this.row(keys[j]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The row of the pod under `key`, rendered again only if something it shows changed. */
  row(key: string): PodRow | undefined {
    const known = this.rows.get(key);
    // The common case (nothing changed) allocates nothing: a list of 150,000 pods leaves no garbage.
    if (known && this.view.podIsMadeOf(key, known)) return known;
    const parts = this.view.podParts(key);
    if (!parts) return undefined;
    const row = renderRow(key, parts);
    this.rows.set(key, row);
    return row;
  }

  /** The rows of `keys` (in that order), those matching the selectors; drops rows of pods gone. */
  rowsOf(keys: readonly string[], from: number, to: number, labelSelector: readonly Requirement[], fieldSelector: readonly FieldRequirement[]): PodRow[] {
    const out: PodRow[] = [];
    for (let i = from; i < to; i++) {
      const row = this.row(keys[i]);
      if (!row) continue;
      if (labelSelector.length && !matchesLabels(labelSelector as Requirement[], row.labels)) continue;
      if (fieldSelector.length && !matchesFields(fieldSelector, (row.fields ??= selectableFields('Pod', presentParts(row))))) continue;
      out.push(row);
    }
    if (this.rows.size > this.view.model.pods.size + 10_000) this.sweep();
    return out;
  }

  private sweep(): void {
    for (const key of this.rows.keys()) if (!this.view.model.pods.has(key)) this.rows.delete(key);
  }
}

const OBJECT = ',"object":';
const BYTES = {
  comma: Buffer.from(','),
  closeObject: Buffer.from('}'),
  object: Buffer.from(OBJECT),
};

export function renderRow(key: string, parts: PodParts): PodRow {
  const object = presentParts(parts);
  const cells = podCells(object, 0);
  const head = JSON.stringify(cells.slice(0, AGE_CELL));
  const conditions = podRowConditions(object);
  const tail = `,${JSON.stringify(cells.slice(AGE_CELL + 1)).slice(1)}${conditions ? `,"conditions":${JSON.stringify(conditions)}` : ''}`;
  type Statuses = { lastState?: { terminated?: unknown } }[] | undefined;
  const statuses = [...((object.status.containerStatuses as Statuses) ?? []), ...((object.status.initContainerStatuses as Statuses) ?? [])];
  const created = object.metadata.creationTimestamp ? Date.parse(object.metadata.creationTimestamp as string) : NaN;
  const headText = `{"cells":${head.slice(0, -1)},`;
  const headEnd = Buffer.byteLength(headText);
  const tailEnd = headEnd + Buffer.byteLength(tail);
  return {
    key,
    ...parts,
    bytes: Buffer.from(`${headText}${tail}${OBJECT}${JSON.stringify(partialObjectMetadata(object))}}`),
    headEnd,
    tailEnd,
    labels: object.metadata.labels,
    created,
    ...(statuses.some((s) => s.lastState?.terminated) ? { clocked: object } : {}),
  };
}

/** The PartialObjectMetadata of the row's pod, as JSON bytes. */
export function putPartial(sink: ByteSink, row: PodRow): void {
  sink.bytes(row.bytes, row.tailEnd + BYTES.object.length, row.bytes.length - 1);
}

/**
 * One Table row at `now` into `sink`, exactly as `toTable` writes it. `ages` memoizes the AGE cell per
 * creation time within one answer (pods created together share it).
 */
export function putTableRow(sink: ByteSink, row: PodRow, now: number, includeObject: IncludeObject, ages: Map<number, Buffer>): void {
  if (row.clocked) {
    const cells = podCells(row.clocked, now);
    const conditions = podRowConditions(row.clocked);
    sink.text(`{"cells":${JSON.stringify(cells)}${conditions ? `,"conditions":${JSON.stringify(conditions)}` : ''}`);
  } else {
    let age = ages.get(row.created);
    if (age === undefined) {
      age = Buffer.from(JSON.stringify(Number.isNaN(row.created) ? '<unknown>' : humanDuration(now - row.created)));
      ages.set(row.created, age);
    }
    sink.bytes(row.bytes, 0, row.headEnd);
    sink.bytes(age);
    sink.bytes(row.bytes, row.headEnd, row.tailEnd);
  }
  switch (includeObject) {
    case 'None':
      return sink.bytes(BYTES.closeObject);
    case 'Metadata':
      return sink.bytes(row.bytes, row.tailEnd);
    case 'Object':
      return sink.text(`${OBJECT}${JSON.stringify(row.clocked ?? presentParts(row))}}`);
  }
}
