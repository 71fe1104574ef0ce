/** The seed's bare-string decorator forms reach the diagram: the title and the step label. */
import { describe, expect, it } from 'vitest';
import { extractOrchestrations } from '../../src/diagram/extractor.js';

const source = `
import { orchestration, activity } from 'duroxide-llm';
class PaymentActivities {
  @activity('💳 Process Payment')
  async charge(_actx, amount) { return amount; }
}
@orchestration('Order Processing Workflow')
export class OrderProcessing {
  async run(ctx, order) {
    return ctx.scheduleActivity('charge', order.total);
  }
}
`;

describe('string decorator forms in diagrams', () => {
  it('@orchestration("Title") titles the diagram and @activity("Label") labels the step', () => {
    const { flows, activities } = extractOrchestrations(source, 'order.ts');
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ name: 'OrderProcessing', title: 'Order Processing Workflow' });
    expect(activities.get('charge')).toMatchObject({ name: 'charge', label: '💳 Process Payment' });
    const step = flows[0].graph.nodes.find((n) => n.kind === 'activity');
    expect(step).toMatchObject({ name: 'charge', label: '💳 Process Payment' });
  });
});
