/**
 * Node 20 has no `Symbol.metadata`; TypeScript and esbuild only hand standard decorators a
 * metadata object when it exists. The package entry imports this first, so the symbol is in
 * place before any decorated class is evaluated. Uses the registry symbol other libraries use.
 */
const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for('Symbol.metadata');

export const METADATA_SYMBOL: symbol = symbols.metadata;
