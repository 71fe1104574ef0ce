/**
 * Environment provisioning: a staging environment for the payments service — quota, network,
 * database (after approval), service, DNS and smoke tests — with simulated cloud tools on the
 * embedded SQLite store. Run: npm run demo:provision
 *
 * The whole run has a durable timeout; tearing environments down is forbidden. With
 * OPENAI_API_KEY or ANTHROPIC_API_KEY set a real model plans; otherwise scripted plans do.
 */
import { activity, type ActivityContext } from '../../src/index.js';
import { finish, runAgentExample, step } from './example-runner.js';

class CloudTools {
  @activity({ name: 'check_quota', description: 'Free vCPUs and databases in a region', parameters: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] } })
  async quota(_ctx: ActivityContext, { region }: { region: string }) {
    return { region, vcpusFree: 64, databasesFree: 3 };
  }

  @activity({
    name: 'create_network',
    description: 'Create an isolated network',
    parameters: { type: 'object', properties: { name: { type: 'string' }, region: { type: 'string' }, cidr: { type: 'string' } }, required: ['name', 'region', 'cidr'] },
    examples: [{ params: { name: 'search-staging', region: 'us-east-1', cidr: '10.40.0.0/16' }, result: { networkId: 'net-search-staging' } }],
  })
  async network(_ctx: ActivityContext, { name }: { name: string }) {
    return { networkId: `net-${name}` };
  }

  @activity({
    name: 'create_database',
    description: 'Create a managed PostgreSQL database in a network (billed hourly; needs human approval)',
    parameters: {
      type: 'object',
      properties: { name: { type: 'string' }, networkId: { type: 'string' }, size: { enum: ['small', 'medium', 'large'] } },
      required: ['name', 'networkId', 'size'],
    },
  })
  async database(_ctx: ActivityContext, { name }: { name: string }) {
    return { databaseId: `db-${name}`, endpoint: `${name}.db.internal:5432` };
  }

  @activity({
    name: 'deploy_service',
    description: 'Deploy a service version into a network',
    parameters: {
      type: 'object',
      properties: { service: { type: 'string' }, version: { type: 'string' }, networkId: { type: 'string' }, databaseEndpoint: { type: 'string' }, replicas: { type: 'integer', minimum: 1 } },
      required: ['service', 'version', 'networkId', 'replicas'],
    },
  })
  async deploy(_ctx: ActivityContext, { service, replicas }: { service: string; replicas: number }) {
    return { url: `https://${service}-staging.internal`, replicas, healthy: replicas };
  }

  @activity({
    name: 'register_dns',
    description: 'Point a DNS name at a URL',
    parameters: { type: 'object', properties: { name: { type: 'string' }, target: { type: 'string' } }, required: ['name', 'target'] },
  })
  async dns(_ctx: ActivityContext, { name }: { name: string }) {
    return { name, ttl: 60 };
  }

  @activity({ name: 'run_smoke_tests', description: 'Run the smoke test suite against a URL', parameters: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } })
  async smoke() {
    return { passed: 14, failed: 0 };
  }

  @activity({ name: 'destroy_environment', description: 'Tear down an environment', parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } })
  async destroy() {
    throw new Error('never offered to the planner');
  }
}

const plans = [
  step('Check there is room in eu-west-1 first.', [{ tool: 'check_quota', params: { region: 'eu-west-1' }, id: 'quota-1' }]),
  step('Quota is fine. Create the network.', [{ tool: 'create_network', params: { name: 'payments-staging', region: 'eu-west-1', cidr: '10.42.0.0/16' }, id: 'net-1' }]),
  step('Create a small database in it.', [{ tool: 'create_database', params: { name: 'payments-staging', networkId: 'net-payments-staging', size: 'small' }, id: 'db-1' }]),
  step('Deploy the service against the database.', [
    {
      tool: 'deploy_service',
      params: { service: 'payments', version: 'v5.2.0', networkId: 'net-payments-staging', databaseEndpoint: 'payments-staging.db.internal:5432', replicas: 2 },
      id: 'deploy-1',
    },
  ]),
  step('Register DNS and run the smoke tests.', [
    { tool: 'register_dns', params: { name: 'payments.staging.example.com', target: 'https://payments-staging.internal' }, id: 'dns-1' },
    { tool: 'run_smoke_tests', params: { url: 'https://payments-staging.internal' }, id: 'smoke-1' },
  ]),
  finish('Staging for payments is up at payments.staging.example.com (v5.2.0, 2 replicas, small database); 14/14 smoke tests pass.', 'provisioned'),
];

await runAgentExample({
  database: 'provisioning.db',
  tools: [new CloudTools()],
  intent: 'Provision a staging environment for the payments service (version v5.2.0) in eu-west-1.',
  context: { team: 'payments', region: 'eu-west-1' },
  config: { maxIterations: 10, timeoutMs: 10 * 60_000, approvalRequired: ['create_database'], forbiddenTools: ['destroy_environment'], approvalTimeoutMs: 60_000 },
  scriptedPlans: plans,
  decide: () => ({ approved: true, reason: 'small database approved by the platform team' }),
});
