/**
 * Where a diagram comes from: the committed cache, else the LLM (validated, then cached), else
 * the deterministic renderer. Without an LLM configured (CI, the tsc transformer), a cached
 * diagram of the same IR is used whoever drew it, so committed LLM diagrams build offline.
 */
import { resolve } from 'node:path';
import { AnthropicProvider } from '../llm/anthropic-provider.js';
import { OpenAIProvider } from '../llm/openai-provider.js';
import type { LlmProvider } from '../llm/provider.js';
import { DiagramCache } from './diagram-cache.js';
import { DiagramConfigError, type ResolvedDiagramOptions } from './diagram-options.js';
import type { OrchestrationFlow } from './flow-graph.js';
import { formatSpec, type DiagramFormat } from './formats/index.js';
import { irHash } from './ir-hash.js';
import { llmDiagram } from './llm-diagrammer.js';
import { slug } from './node-label.js';

export interface GeneratedDiagram {
  name: string;
  /** Module id: `~duroxide/diagrams/<slug>`. */
  slug: string;
  className?: string;
  title?: string;
  file: string;
  format: DiagramFormat;
  diagram: string;
  irHash: string;
  /** The flow graph (IR) the diagram was drawn from: what a runtime hands to the console. */
  graph?: OrchestrationFlow['graph'];
  source: 'cache' | 'llm' | 'deterministic';
  /** The rendered picture for the hover (`hoverImages`), as a `data:` URI. */
  image?: string;
}

export class DiagramSourcing {
  readonly cache: DiagramCache;
  private provider: LlmProvider | null | undefined;
  llmCalls = 0;

  constructor(private readonly options: ResolvedDiagramOptions) {
    this.cache = new DiagramCache(resolve(options.cwd, options.cacheDir));
  }

  /** One diagram: from the cache, else the LLM (validated), else the deterministic renderer. */
  async diagramFor(flow: OrchestrationFlow, format: DiagramFormat, warnings: string[]): Promise<GeneratedDiagram> {
    const provider = this.llmProvider();
    const base = describeFlow(flow, format);
    const cached = this.cache.get({ slug: base.slug, format, irHash: base.irHash, llm: provider ? { provider: provider.name, model: provider.model } : null });
    if (cached) return { ...base, diagram: cached.diagram, source: 'cache' };
    if (!provider) return { ...base, diagram: formatSpec(format).render(flow), source: 'deterministic' };
    const result = await llmDiagram(flow, format, provider, { seesLiterals: this.options.llmSeesLiterals });
    this.llmCalls += result.llmCalls;
    warnings.push(...result.warnings);
    // Only a validated diagram or the deterministic fallback is ever cached (the next build does not ask again).
    this.cache.set(base.slug, { name: flow.name, format, irHash: base.irHash, source: result.source, provider: provider.name, model: provider.model, diagram: result.diagram });
    return { ...base, diagram: result.diagram, source: result.source };
  }

  /** Synchronous, for tsc transformers: the cached diagram (any provider's), else the deterministic one. */
  cachedOrDeterministic(flow: OrchestrationFlow, format: DiagramFormat): GeneratedDiagram {
    const base = describeFlow(flow, format);
    const cached = this.cache.get({ slug: base.slug, format, irHash: base.irHash, llm: null });
    return { ...base, diagram: cached?.diagram ?? formatSpec(format).render(flow), source: cached ? 'cache' : 'deterministic' };
  }

  /** The provider and model diagrams are asked of ('none' without an LLM): part of what a run's outcome depends on. */
  llmIdentity(): string {
    const p = this.llmProvider();
    return p ? `${p.name}/${p.model}` : 'none';
  }

  private llmProvider(): LlmProvider | null {
    if (this.provider !== undefined) return this.provider;
    const mode = this.options.llm;
    if (typeof mode === 'object') return (this.provider = mode);
    if (mode === 'off') return (this.provider = null);
    const fromEnv = process.env.OPENAI_API_KEY ? new OpenAIProvider() : process.env.ANTHROPIC_API_KEY ? new AnthropicProvider() : null;
    if (!fromEnv && mode === 'required') {
      throw new DiagramConfigError('llm is "required" but no LLM is configured: set OPENAI_API_KEY or ANTHROPIC_API_KEY, or pass a provider.');
    }
    return (this.provider = fromEnv);
  }
}

/** What a generated diagram says about its flow, before the diagram text itself. */
function describeFlow(flow: OrchestrationFlow, format: DiagramFormat): Omit<GeneratedDiagram, 'diagram' | 'source'> {
  return {
    name: flow.name,
    slug: slug(flow.name),
    ...(flow.className ? { className: flow.className } : {}),
    ...(flow.title ? { title: flow.title } : {}),
    file: flow.file,
    format,
    irHash: irHash(flow),
    graph: flow.graph,
  };
}
