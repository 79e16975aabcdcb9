// The one set of swc options that compiles everynode's TypeScript for jest and for plain `node`
// (scripts/ts-register.js): legacy decorators with metadata, as Nest needs.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
