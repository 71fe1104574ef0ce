/**
 * The tool registry: activities described for an LLM (name, description, parameter and
 * return schemas, examples). Fed by `registerActivity` metadata and by `@activity`.
 * Activities without a description are not tools unless marked `tool: true`.
 */
import type { ActivityDefinition, ToolExample } from './activity-definition.js';
import { InvalidToolExampleError } from './invalid-tool-example-error.js';
import { compileSchema, toJsonSchema, type JsonSchemaObject, type SchemaLike } from '../llm/json-schema.js';

export interface ToolDefinition {
  name: string;
  description: string;
  parametersSchema: JsonSchemaObject;
  returnsSchema?: JsonSchemaObject;
  examples: ToolExample[];
}

export interface ToolSource {
  name: string;
  metadata: ActivityDefinition;
}

const ANY_OBJECT: JsonSchemaObject = { type: 'object' };

export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();

  /** Adds an activity as a tool when it is one; validates its schemas (InvalidSchemaError). */
  add(source: ToolSource): void {
    const m = source.metadata;
    const parameters = m.parameters === undefined ? undefined : toJsonSchema(m.parameters as SchemaLike);
    const returns = m.returns === undefined ? undefined : toJsonSchema(m.returns as SchemaLike);
    if (parameters) compileSchema(parameters, `parameters of activity "${source.name}"`);
    if (returns) compileSchema(returns, `returns of activity "${source.name}"`);
    checkExamples(source.name, m.examples, parameters);
    if (!m.description && !m.tool) return;
    this.tools.set(source.name, {
      name: source.name,
      description: m.description ?? '',
      parametersSchema: parameters ?? ANY_OBJECT,
      ...(returns ? { returnsSchema: returns } : {}),
      examples: m.examples ?? [],
    });
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  /** Every tool, sorted by name (deterministic for prompts and hashes). */
  describe(): ToolDefinition[] {
    return [...this.tools.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Problems with `params` for tool `name`, one readable line each; [] when valid. */
  validateParams(name: string, params: unknown): string[] {
    const tool = this.tools.get(name);
    if (!tool) return [`there is no tool named "${name}" (tools: ${[...this.tools.keys()].sort().join(', ') || 'none'})`];
    return compileSchema(tool.parametersSchema, `parameters of tool "${name}"`)(params).errors;
  }
}

/** Examples are shown to an LLM as calls to copy: each must be a valid call. */
function checkExamples(name: string, examples: unknown, parameters: JsonSchemaObject | undefined): void {
  if (examples === undefined) return;
  if (!Array.isArray(examples)) throw new InvalidToolExampleError(name, 'examples must be an array of { params, result?, description? }');
  const check = compileSchema(parameters ?? ANY_OBJECT, `parameters of activity "${name}"`);
  examples.forEach((ex: unknown, i) => {
    if (typeof ex !== 'object' || ex === null || !('params' in ex)) throw new InvalidToolExampleError(name, `examples[${i}] has no params: give { params, result?, description? }`);
    const errors = check((ex as ToolExample).params).errors;
    if (errors.length) throw new InvalidToolExampleError(name, `examples[${i}].params do not match the parameters schema (${errors.join('; ')})`);
  });
}
