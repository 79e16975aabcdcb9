// Values rendered the way Go's fmt prints them in apimachinery field errors (%q for strings,
// %#v for maps and structs), so that error messages read exactly like a real API server's.
import { isObject, str } from './json-access';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** strconv.Quote. Lone UTF-16 surrogates (invalid UTF-8 in Go) print as the replacement character. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x80) out += `\\x${hex(c, 2)}`;
    else if (isPrintable(c)) out += ch;
    else if (c < 0x10000) out += `\\u${hex(c, 4)}`;
    else out += `\\U${hex(c, 8)}`;
  }
  return `${out}"`;
}

// Close enough to unicode.IsPrint: control, format, separator and unassigned code points are escaped.
const notPrintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[\p{Zs}]/u;
const isPrintable = (c: number) => !notPrintable.test(String.fromCodePoint(c));

const asString = (v: unknown) => str(v) ?? '';

/** %#v of a map[string]string: keys sorted, `(nil)` when absent. */
export function goStringMap(m: unknown, type = 'map[string]string'): string {
  if (!isObject(m)) return `${type}(nil)`;
  const keys = Object.keys(m).sort();
  return `${type}{${keys.map((k) => `${goQuote(k)}:${goQuote(asString(m[k]))}`).join(', ')}}`;
}

/** %#v of a []string. */
function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((s) => goQuote(asString(s))).join(', ')}}`;
}

/** %#v of a metav1.LabelSelector (the value behind the pointer), or `null` when absent. */
export function goLabelSelector(sel: unknown): string {
  if (!isObject(sel)) return 'null';
  const exprs = sel.matchExpressions;
  const renderedExprs = Array.isArray(exprs)
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((e) => {
          const r = isObject(e) ? e : {};
          return `v1.LabelSelectorRequirement{Key:${goQuote(asString(r.key))}, Operator:${goQuote(asString(r.operator))}, Values:${goStringSlice(r.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${renderedExprs}}`;
}

/** %#v of an intstr.IntOrString. */
export function goIntOrString(v: unknown): string {
  return typeof v === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`
    : `intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`;
}

/** A non-nil pointer inside %#v prints as an address; any fixed address stands in for it. */
export const goPointer = (type: string, present: boolean) => `(*${type})(${present ? '0xc000010000' : 'nil'})`;
