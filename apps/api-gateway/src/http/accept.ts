// Which representation a GET, LIST or WATCH answers with, from its Accept header.
import { accepts, wantsTable } from '../kube';

export type Representation = 'table' | 'partial' | 'json';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const wantsPartial = (accept: string | undefined) =>
  ['PartialObjectMetadata', 'PartialObjectMetadataList'].some((as) => accepts(accept, 'application/json', { as, g: 'meta.k8s.io', v: 'v1' }));

export function representation(accept: string | undefined): Representation {
  if (wantsTable(accept)) return 'table';
  if (wantsPartial(accept)) return 'partial';
  return 'json';
}
