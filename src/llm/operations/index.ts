/** The operation specs the orchestration context offers. */
export * from './operation-spec.js';
export * from './generate.js';
export * from './if-true.js';
export * from './classify.js';
export * from './extract-features.js';
export * from './generate-structured.js';
export * from './summarize.js';
export * from './sentiment.js';
export * from './generate-with-context.js';
export * from './generate-validated.js';
