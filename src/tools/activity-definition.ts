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
  examples?: unknown[];
  /** The label on diagrams (default: the activity name). */
  diagramLabel?: string;
  diagramColor?: string;
  /** A tool even without a description. */
  tool?: boolean;
}

/** `@activity({...})`: the definition plus the name (default: the method name). */
export interface ActivityDecoratorOptions extends ActivityDefinition {
  name?: string;
}
