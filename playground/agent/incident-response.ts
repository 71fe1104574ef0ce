/**
 * Incident response: "checkout errors are spiking — find the cause and mitigate", with
 * simulated monitoring, logs and deploy tools on the embedded SQLite store.
 * Run: npm run demo:incident
 *
 * The planner investigates in parallel (alerts, logs, recent deploys), asks a human before it
 * rolls back a deploy, posts a status update and checks the error rate recovered. Restarting
 * the database is forbidden: the planner is never offered it. With OPENAI_API_KEY or
 * ANTHROPIC_API_KEY set a real model plans; otherwise scripted plans play the model.
 */
import { activity, type ActivityContext } from '../../src/index.js';
import { finish, runAgentExample, step } from './example-runner.js';

const service = { type: 'object', properties: { service: { type: 'string' } }, required: ['service'] };

class IncidentTools {
  private errorRate = 0.23;
  readonly statusUpdates: string[] = [];

  @activity({ name: 'get_alerts', description: 'Firing alerts of a service', parameters: service })
  async alerts(_ctx: ActivityContext, { service }: { service: string }) {
    return [{ alert: 'HighErrorRate', service, value: this.errorRate, since: '14:02' }];
  }

  @activity({
    name: 'query_logs',
    description: 'Search the last 15 minutes of a service log',
    parameters: { type: 'object', properties: { service: { type: 'string' }, query: { type: 'string' } }, required: ['service', 'query'] },
    examples: [{ description: 'errors only', params: { service: 'checkout', query: 'level:error' }, result: ['checkout-7f9 TypeError: ...'] }],
  })
  async logs(_ctx: ActivityContext, { service }: { service: string; query: string }) {
    return [`${service}-7f9 TypeError: Cannot read properties of undefined (reading 'currency') at priceCart (cart.ts:88)`, `${service}-7f9 POST /checkout 500`];
  }

  @activity({ name: 'get_recent_deploys', description: 'Deploys of a service in the last hour', parameters: service })
  async deploys(_ctx: ActivityContext, { service }: { service: string }) {
    return [{ id: 'deploy-481', service, version: 'v2.14.0', at: '14:00', previous: 'v2.13.2' }];
  }

  @activity({
    name: 'rollback_deploy',
    description: 'Roll a service back to the version before a deploy (needs human approval)',
    parameters: { type: 'object', properties: { service: { type: 'string' }, deployId: { type: 'string' } }, required: ['service', 'deployId'] },
  })
  async rollback(_ctx: ActivityContext, { service }: { service: string; deployId: string }) {
    this.errorRate = 0.004;
    return { service, rolledBackTo: 'v2.13.2' };
  }

  @activity({ name: 'get_error_rate', description: 'Current 5xx ratio of a service', parameters: service })
  async errorRateOf(_ctx: ActivityContext, { service }: { service: string }) {
    return { service, errorRate: this.errorRate };
  }

  @activity({
    name: 'post_status_update',
    description: 'Post an update to the public status page',
    parameters: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  })
  async statusUpdate(_ctx: ActivityContext, { message }: { message: string }) {
    this.statusUpdates.push(message);
    return { posted: true };
  }

  @activity({ name: 'restart_database', description: 'Restart the primary database', parameters: service })
  async restartDatabase() {
    throw new Error('never offered to the planner');
  }
}

const plans = [
  step('Checkout errors spiked at 14:02. Look at alerts, logs and recent deploys at once.', [
    { tool: 'get_alerts', params: { service: 'checkout' }, id: 'alerts-1' },
    { tool: 'query_logs', params: { service: 'checkout', query: 'level:error' }, id: 'logs-1' },
    { tool: 'get_recent_deploys', params: { service: 'checkout' }, id: 'deploys-1' },
  ]),
  step('v2.14.0 went out at 14:00 and the logs show a TypeError in priceCart: roll it back and tell customers.', [
    { tool: 'rollback_deploy', params: { service: 'checkout', deployId: 'deploy-481' }, id: 'rollback-1' },
    { tool: 'post_status_update', params: { message: 'Checkout errors since 14:02: rolling back the 14:00 release.' }, id: 'status-1' },
  ]),
  step('Check that the error rate is back to normal.', [{ tool: 'get_error_rate', params: { service: 'checkout' }, id: 'rate-1' }]),
  finish('Rolled checkout back from v2.14.0 to v2.13.2 (TypeError in priceCart); error rate 23% -> 0.4%; status page updated.', 'mitigated'),
];

await runAgentExample({
  database: 'incident.db',
  tools: [new IncidentTools()],
  intent: 'Checkout is failing for customers (error rate 23% since 14:02). Find the cause and mitigate.',
  context: { service: 'checkout', severity: 'SEV-2' },
  config: { maxIterations: 8, approvalRequired: ['rollback_deploy'], forbiddenTools: ['restart_database'], approvalTimeoutMs: 60_000 },
  scriptedPlans: plans,
  decide: () => ({ approved: true, reason: 'incident commander approved' }),
});
