// How deep a YAML text nests, read from the lexer's tokens alone. The yaml library composes nodes
// recursively, and a stack overflow inside it can abort the whole process (V8 fails fatally when it
// happens while compiling a regular expression), so deep text is refused before it is parsed.
// Flow collections count exactly; block nesting counts one level per indentation step (a lower
// bound, at most a factor of two short), which is enough to keep the composer's stack small.
import { CST, Lexer } from 'yaml';

/** Lexer tokens that stand for no source characters. */
const MARKERS = new Set(['doc-mode', 'scalar', 'flow-error-end', 'byte-order-mark']);

export function yamlNestsDeeperThan(text: string, max: number): boolean {
  let column = 0;
  let lineStart = true;
  let flow = 0;
  const indents: number[] = [];
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type !== null && MARKERS.has(type)) continue;
    if (type === 'newline') {
      column = 0;
      lineStart = true;
      continue;
    }
    if (type === 'space' || type === 'comment') {
      column += token.length;
      continue;
    }
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    else if (flow === 0 && (lineStart || type === 'seq-item-ind' || type === 'explicit-key-ind')) {
      while (indents.length && indents[indents.length - 1] >= column) indents.pop();
      indents.push(column);
    }
    lineStart = false;
    const newline = token.lastIndexOf('\n');
    column = newline < 0 ? column + token.length : token.length - newline - 1;
    if (indents.length + flow > max) return true;
  }
  return false;
}
