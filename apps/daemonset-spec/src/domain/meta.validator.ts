// ObjectMeta, labels and annotations validation (apimachinery ValidateObjectMeta and friends).
import { FieldErrors } from './field-errors';
import { goQuote } from './go-format';
import { entries, num, obj, str } from './json-access';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from './k8s-names';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, field: string, fe: FieldErrors): void {
  for (const [k, v] of entries(labels)) {
    fe.invalidEach(field, k, isQualifiedName(k));
    const value = str(v) ?? '';
    fe.invalidEach(field, value, isValidLabelValue(value));
  }
}

export function validateAnnotations(annotations: unknown, field: string, fe: FieldErrors): void {
  let size = 0;
  for (const [k, v] of entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) fe.invalid(field, goQuote(k), msg);
    size += Buffer.byteLength(k) + Buffer.byteLength(str(v) ?? '');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) fe.tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT);
}

/** NameIsDNSSubdomain with prefix=true: a trailing dash is allowed in a generateName. */
const maskTrailingDash = (name: string) => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

/** ValidateObjectMeta for a namespaced object named like a DNS subdomain (a DaemonSet). */
export function validateObjectMeta(metadata: unknown, fe: FieldErrors, path = 'metadata'): void {
  const meta = obj(metadata) ?? {};
  const generateName = str(meta.generateName) ?? '';
  if (generateName) fe.invalidEach(`${path}.generateName`, generateName, isDns1123Subdomain(maskTrailingDash(generateName)));
  const name = str(meta.name) ?? '';
  if (!name) fe.required(`${path}.name`, 'name or generateName is required');
  else fe.invalidEach(`${path}.name`, name, isDns1123Subdomain(name));
  // The caller fills the namespace from the request first, as the API server does.
  const namespace = str(meta.namespace) ?? '';
  if (!namespace) fe.required(`${path}.namespace`);
  else fe.invalidEach(`${path}.namespace`, namespace, isDns1123Label(namespace));
  const generation = num(meta.generation);
  if (generation !== undefined && generation < 0) fe.invalid(`${path}.generation`, String(generation), 'must be greater than or equal to 0');
  validateLabels(meta.labels, `${path}.labels`, fe);
  validateAnnotations(meta.annotations, `${path}.annotations`, fe);
}
