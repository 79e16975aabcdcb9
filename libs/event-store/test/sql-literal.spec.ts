// Dollar-quoted literals: PostgreSQL ends one at its tag's first occurrence after the opening tag, so no text
// may hold the tag, nor end with a piece of it (`…$j` + `$j$` reads as `…` + `$j$` + `j$`).
import fc from 'fast-check';
import { sqlLiteral } from '../src';

/** What PostgreSQL reads back from a dollar-quoted literal. */
function unquote(literal: string): string {
  const tag = literal.slice(0, literal.indexOf('$', 1) + 1);
  const end = literal.indexOf(tag, tag.length);
  expect(end).toBe(literal.length - tag.length); // the literal is the whole string
  return literal.slice(tag.length, end);
}

describe('sqlLiteral', () => {
  it('reads back as the text it quotes, whatever tags and pieces of tags the text holds', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('$', 'j', '0', '1', 'd', 'x') }), (text) => expect(unquote(sqlLiteral(text))).toBe(text)));
    for (const text of ['', '$j$', 'x$j', '$j', 'j$', '$j$$j0$', 'x$j0', '$j$$j0$$j1$x$j2']) expect(unquote(sqlLiteral(text))).toBe(text);
  });
});
