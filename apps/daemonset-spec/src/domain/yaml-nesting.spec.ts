import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlNestsDeeperThan } from './yaml-nesting';

describe('yamlNestsDeeperThan', () => {
  it('counts flow collections exactly, and not brackets inside quoted strings', () => {
    expect(yamlNestsDeeperThan('a: [[[1]]]', 4)).toBe(false);
    expect(yamlNestsDeeperThan('a: [[[[1]]]]', 4)).toBe(true);
    expect(yamlNestsDeeperThan(`a: "${'['.repeat(50)}"\nb: '${'{'.repeat(50)}'`, 4)).toBe(false);
  });

  it('counts block nesting by indentation and by compact sequences', () => {
    expect(yamlNestsDeeperThan('a:\n  b:\n    c: 1\nd: 2\n', 3)).toBe(false);
    expect(yamlNestsDeeperThan('a:\n  b:\n    c:\n      d: 1\n', 3)).toBe(true);
    expect(yamlNestsDeeperThan('- - - - x\n', 3)).toBe(true);
  });

  it('lets a real manifest through', () => {
    const liberator = readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', 'liberator.yaml'), 'utf8');
    expect(yamlNestsDeeperThan(liberator, 10)).toBe(false);
  });
});
