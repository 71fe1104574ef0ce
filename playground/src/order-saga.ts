import { activity, orchestration, type OrchestrationContext } from '../../src/index.js';

interface Order {
  id: string;
  items: { sku: string; qty: number }[];
  total: number;
}

export class OrderActivities {
  @activity({ description: 'Reserve stock for the order', diagramLabel: 'Reserve inventory' })
  async reserveInventory(_ctx: unknown, order: Order) {
    return { reservationId: `r-${order.id}` };
  }

  @activity({ diagramLabel: 'Charge card', diagramColor: '#ffd580' })
  async chargeCard(_ctx: unknown, input: { amount: number }) {
    return { chargeId: String(input.amount) };
  }

  @activity({ name: 'releaseInventory', diagramLabel: 'Release inventory' })
  async release() {
    return null;
  }
}

@orchestration({ name: 'OrderSaga', version: '1.2.0', diagramTitle: 'Order saga', diagramDescription: 'Reserve, charge, ship; compensate on failure' })
export class OrderSaga {
  async run(ctx: OrchestrationContext, order: Order) {
    const reservation = await ctx.scheduleActivity('reserveInventory', order);
    try {
      await ctx.scheduleActivity('chargeCard', { amount: order.total });
    } catch (err) {
      await ctx.scheduleActivity('releaseInventory', reservation);
      throw err;
    }
    if (order.total > 1000) {
      const decision = await ctx.race(ctx.waitForEvent('managerApproval'), ctx.scheduleTimer(86_400_000));
      if (decision.index === 1) return 'expired';
    }
    await ctx.scheduleActivity('shipOrder', order.id);
    return 'shipped';
  }
}
