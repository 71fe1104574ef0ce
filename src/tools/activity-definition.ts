/**
 * What an activity says about itself, whichever way it was registered (`@activity({...})` or
 * `registerActivity(name, fn, definition)`): how a diagram draws it and how an LLM may call it.
 * One type for the decorator, the runtime's registry and the tool registry.
 */
export interface ActivityDefinition {
  /** Makes the activity an LLM tool (the agent's planner sees it). */
  description?: string;
  /** JSON Schema (or zod 4 schema) of the input. */
  parameters?: unknown;
  /** JSON Schema (or zod 4 schema) of the output. */
  returns?: unknown;
  /** Example calls, shown to the agent's planner with the tool (params are checked against `parameters`). */
  examples?: ToolExample[];
  /** The label on diagrams (default: the activity name). */
  diagramLabel?: string;
  diagramColor?: string;
  /** A tool even without a description. */
  tool?: boolean;
}

/** One example call of a tool: what it is for, the params, and what it returns. */
export interface ToolExample<P = Record<string, unknown>, R = unknown> {
  description?: string;
  params: P;
  result?: R;
}

/** `@activity({...})`: the definition plus the name (default: the method name). */
export interface ActivityDecoratorOptions extends ActivityDefinition {
  name?: string;
}
