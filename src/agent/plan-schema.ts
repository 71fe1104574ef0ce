/** The plan the LLM returns each iteration: what it thinks, what to call, whether it is done. */

export interface PlannedAction {
  tool: string;
  params: Record<string, unknown>;
  id: string;
}

export interface Plan {
  thought: string;
  actions: PlannedAction[];
  parallel: boolean;
  done: boolean;
  done_reason?: string | null;
  summary?: string | null;
}

export const PLAN_SCHEMA = {
  type: 'object',
  properties: {
    thought: { type: 'string' },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { tool: { type: 'string' }, params: { type: 'object' }, id: { type: 'string' } },
        required: ['tool', 'params', 'id'],
      },
    },
    parallel: { type: 'boolean' },
    done: { type: 'boolean' },
    done_reason: { type: ['string', 'null'] },
    summary: { type: ['string', 'null'] },
  },
  required: ['thought', 'actions', 'parallel', 'done'],
} as const;
