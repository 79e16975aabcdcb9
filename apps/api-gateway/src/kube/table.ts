// meta.k8s.io/v1 Table answers for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
import {
  DAEMONSET_COLUMNS, daemonSetCells, NAMESPACE_COLUMNS, namespaceCells, NODE_COLUMNS, nodeCells, POD_COLUMNS, podCells, podRowConditions,
  type DaemonSetObject, type NamespaceObject, type NodeObject, type PodObject, type TableCell, type TableColumnDefinition, type TableRowCondition,
} from './printers';

export type TableKind = 'DaemonSet' | 'Pod' | 'Node' | 'Namespace';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRowInput {
  /** The full object as served (`apiVersion`, `kind`, `metadata`, `spec`, `status`). */
  object: { metadata?: object; [key: string]: unknown };
  /** Milliseconds since the epoch that the AGE column counts to. */
  now: number;
}

export interface TableOptions {
  /** What each row carries besides its cells; kubectl's default is Metadata. */
  includeObject: IncludeObject;
}

export interface PartialObjectMetadata {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadata';
  metadata: object;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: object;
}

export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

// Objects arrive as stored JSON; each printer reads only the fields it knows, all optional.
const PRINTERS: Record<TableKind, { columns: readonly TableColumnDefinition[]; cells: (object: unknown, now: number) => TableCell[] }> = {
  DaemonSet: { columns: DAEMONSET_COLUMNS, cells: (object, now) => daemonSetCells(object as DaemonSetObject, now) },
  Pod: { columns: POD_COLUMNS, cells: (object, now) => podCells(object as PodObject, now) },
  Node: { columns: NODE_COLUMNS, cells: (object, now) => nodeCells(object as NodeObject, now) },
  Namespace: { columns: NAMESPACE_COLUMNS, cells: (object, now) => namespaceCells(object as NamespaceObject, now) },
};

/** The same body answers `get`, `get -o wide` and every watch event (a Table of one row). */
export function toTable(kind: TableKind, rows: readonly TableRowInput[], resourceVersion: string, opts: TableOptions): Table {
  const printer = PRINTERS[kind];
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns.map((column) => ({ ...column })),
    rows: rows.map(({ object, now }) => {
      const row: TableRow = { cells: printer.cells(object, now) };
      const conditions = kind === 'Pod' ? podRowConditions(object as PodObject) : undefined;
      if (conditions) row.conditions = conditions;
      if (opts.includeObject === 'Object') row.object = object;
      else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(object);
      return row;
    }),
  };
}

export function partialObjectMetadata(object: { metadata?: object }): PartialObjectMetadata {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: object.metadata ?? {} };
}
