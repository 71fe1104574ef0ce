/** The build-time diagram API (`duroxide-llm/diagrams`): for build scripts, the CLI and plugins. */
export { generateDiagrams, DiagramBuild, DiagramProject, hashLine } from './generate-diagrams.js';
export type { GeneratedDiagram, GenerateResult, CheckResult } from './generate-diagrams.js';
export { resolveDiagramOptions, DiagramConfigError } from './diagram-options.js';
export type { DiagramOptions, ResolvedDiagramOptions, LlmMode } from './diagram-options.js';
export { extractOrchestrations, mayContainOrchestration } from './extractor.js';
export type { ExtractionResult, ExtractionWarning, ActivityDiagramMeta } from './extractor.js';
export { renderDiagram, DIAGRAM_FORMATS } from './render.js';
export { FORMATS, formatSpec } from './formats/index.js';
export type { DiagramFormat, DiagramFormatSpec } from './formats/index.js';
export { irHash } from './ir-hash.js';
export { validateDiagram } from './diagram-validation.js';
export { llmDiagram, diagramPrompt } from './llm-diagrammer.js';
export { IR_SCHEMA_VERSION } from './flow-graph.js';
export type { FlowGraph, FlowNode, FlowEdge, FlowNodeKind, OrchestrationFlow, FlowGraphDocument } from './flow-graph.js';
export { DecoratorLoweringError } from './lower-decorators.js';
export { BrowserRenderUnavailableError } from './browser-render.js';
