// The protobuf body kubectl sends for `kubectl create namespace x` (Content-Type
// application/vnd.kubernetes.protobuf; a 415 is not retried as JSON): the magic `k8s\0`, then a
// runtime.Unknown {1 TypeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}
// whose raw bytes are the v1.Namespace {1 ObjectMeta, 2 spec, 3 status}.
import { badRequest } from '@everynode/contracts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

export interface DecodedObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface DecodedNamespace {
  apiVersion: string;
  kind: string;
  metadata: DecodedObjectMeta;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const malformed = (what: string): never => {
  throw badRequest(`unable to decode the protobuf body: ${what}`);
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A minimal reader of the protobuf wire format: varints and length-delimited fields, the rest skipped. */
class ProtoReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) return malformed('truncated varint');
      const byte = this.bytes[this.pos++];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    return malformed('varint longer than 10 bytes');
  }

  /** The next field as [field number, wire type]. */
  tag(): [number, number] {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) malformed('field number 0');
    return [field, tag % 8];
  }

  chunk(): Uint8Array {
    const length = this.varint();
    if (length > this.bytes.length - this.pos) malformed('length beyond the end of the message');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    const bytes = this.chunk();
    try {
      return utf8.decode(bytes);
    } catch {
      return malformed('a string is not valid UTF-8');
    }
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_BYTES) this.chunk();
    else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      const size = wireType === WIRE_FIXED64 ? 8 : 4;
      if (size > this.bytes.length - this.pos) malformed('truncated fixed-size field');
      this.pos += size;
    } else {
      malformed(`unsupported wire type ${wireType}`);
    }
  }

  /** Calls `onField` for each field; `onField` must consume the field or return false to have it skipped. */
  fields(onField: (field: number, wireType: number) => boolean): void {
    while (!this.done) {
      const [field, wireType] = this.tag();
      if (!onField(field, wireType)) this.skip(wireType);
    }
  }
}

/** Reads a length-delimited string field, refusing any other wire type for it. */
function stringField(reader: ProtoReader, wireType: number, name: string): string {
  if (wireType !== WIRE_BYTES) malformed(`${name} is not length-delimited`);
  return reader.string();
}

function messageField(reader: ProtoReader, wireType: number, name: string): ProtoReader {
  if (wireType !== WIRE_BYTES) malformed(`${name} is not length-delimited`);
  return new ProtoReader(reader.chunk());
}

/** A map<string,string> entry: {1 key, 2 value}. */
function mapEntry(entry: ProtoReader, into: Record<string, string>): void {
  let key = '';
  let value = '';
  entry.fields((field, wireType) => {
    if (field === 1) key = stringField(entry, wireType, 'map key');
    else if (field === 2) value = stringField(entry, wireType, 'map value');
    else return false;
    return true;
  });
  Object.defineProperty(into, key, { value, writable: true, enumerable: true, configurable: true });
}

function objectMeta(reader: ProtoReader): DecodedObjectMeta {
  const meta: DecodedObjectMeta = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  // Go writes empty strings too; an empty string means unset. A repeated field: the last one wins.
  const setString = (key: 'name' | 'generateName' | 'namespace', wireType: number) => {
    const value = stringField(reader, wireType, `metadata.${key}`);
    if (value) meta[key] = value;
    else delete meta[key];
  };
  reader.fields((field, wireType) => {
    if (field === 1) setString('name', wireType);
    else if (field === 2) setString('generateName', wireType);
    else if (field === 3) setString('namespace', wireType);
    else if (field === 11) mapEntry(messageField(reader, wireType, 'metadata.labels'), labels);
    else if (field === 12) mapEntry(messageField(reader, wireType, 'metadata.annotations'), annotations);
    else return false;
    return true;
  });
  if (Object.keys(labels).length > 0) meta.labels = labels;
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  return meta;
}

/**
 * Decodes a protobuf Namespace body into `{ apiVersion, kind, metadata }` (the Namespace spec and
 * status are not read: `create namespace` sends them empty). Throws a 400 Status on a malformed body.
 */
export function decodeNamespaceProtobuf(body: Uint8Array): DecodedNamespace {
  if (body.length < PROTOBUF_MAGIC.length || PROTOBUF_MAGIC.some((byte, i) => body[i] !== byte)) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(' ')}]`);
  }
  const unknown = new ProtoReader(body.subarray(PROTOBUF_MAGIC.length));
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array();
  let contentEncoding = '';
  unknown.fields((field, wireType) => {
    if (field === 1) {
      const typeMeta = messageField(unknown, wireType, 'typeMeta');
      typeMeta.fields((f, w) => {
        if (f === 1) apiVersion = stringField(typeMeta, w, 'apiVersion');
        else if (f === 2) kind = stringField(typeMeta, w, 'kind');
        else return false;
        return true;
      });
    } else if (field === 2) {
      if (wireType !== WIRE_BYTES) malformed('raw is not length-delimited');
      raw = unknown.chunk();
    } else if (field === 3) contentEncoding = stringField(unknown, wireType, 'contentEncoding');
    else return false;
    return true;
  });
  if (contentEncoding) malformed(`unsupported content encoding ${JSON.stringify(contentEncoding)}`);

  let metadata: DecodedObjectMeta = {};
  const object = new ProtoReader(raw);
  object.fields((field, wireType) => {
    if (field !== 1) return false;
    metadata = objectMeta(messageField(object, wireType, 'metadata'));
    return true;
  });
  return { apiVersion, kind, metadata };
}
