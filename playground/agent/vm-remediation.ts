/**
 * The agent example: "Fix the high CPU on vm-123" with simulated tools, on the embedded
 * SQLite store. Run: npm run demo:agent
 *
 * With OPENAI_API_KEY or ANTHROPIC_API_KEY set it plans with that model; otherwise a scripted
 * mock plays the model. restart_vm needs approval; this script approves it as a human would.
 */
import { activity, type ActivityContext } from '../../src/index.js';
import { finish, runAgentExample, step } from './example-runner.js';

const vmParams = { type: 'object', properties: { vm: { type: 'string' } }, required: ['vm'] };

class VmTools {
  private cpu = 97;

  @activity({ name: 'get_metrics', description: 'CPU and memory use of a VM', parameters: vmParams })
  async getMetrics(_ctx: ActivityContext, { vm }: { vm: string }) {
    return { vm, cpuPercent: this.cpu, memoryPercent: 48 };
  }

  @activity({ name: 'get_top_processes', description: 'The processes using most CPU on a VM', parameters: vmParams })
  async topProcesses() {
    return [{ pid: 4242, name: 'report-worker', container: 'reports', cpuPercent: 88 }];
  }

  @activity({ name: 'get_logs', description: 'Recent log lines of a VM', parameters: vmParams })
  async logs() {
    return ['reports: retrying job 17 (attempt 912)', 'reports: retrying job 17 (attempt 913)'];
  }

  @activity({
    name: 'restart_container',
    description: 'Restart one container on a VM',
    parameters: { type: 'object', properties: { vm: { type: 'string' }, container: { type: 'string' } }, required: ['vm', 'container'] },
  })
  async restartContainer(_ctx: ActivityContext, { container }: { vm: string; container: string }) {
    this.cpu = 23;
    return { restarted: container };
  }

  @activity({ name: 'restart_vm', description: 'Reboot the whole VM (needs human approval)', parameters: vmParams })
  async restartVm(_ctx: ActivityContext, { vm }: { vm: string }) {
    this.cpu = 5;
    return { rebooted: vm };
  }

  @activity({ name: 'reset_network', description: 'Reset the network stack of a VM', parameters: vmParams })
  async resetNetwork() {
    return { ok: true };
  }
}

const plans = [
  step('First look at the VM: metrics and logs, in parallel.', [
    { tool: 'get_metrics', params: { vm: 'vm-123' }, id: 'metrics-1' },
    { tool: 'get_logs', params: { vm: 'vm-123' }, id: 'logs-1' },
  ]),
  step('CPU is at 97% and a job is stuck retrying. Find the process.', [{ tool: 'get_top_processes', params: { vm: 'vm-123' }, id: 'top-1' }]),
  step('The reports container is spinning. Restart it, and ask to reboot the VM in case it is not enough.', [
    { tool: 'restart_container', params: { vm: 'vm-123', container: 'reports' }, id: 'restart-1' },
    { tool: 'restart_vm', params: { vm: 'vm-123' }, id: 'reboot-1' },
  ]),
  step('Check that CPU is back to normal.', [{ tool: 'get_metrics', params: { vm: 'vm-123' }, id: 'metrics-2' }]),
  finish('Restarted the stuck reports container (and rebooted the VM after approval); CPU back to normal.', 'cpu normal'),
];

await runAgentExample({
  database: 'agent.db',
  tools: [new VmTools()],
  intent: 'Fix the high CPU on vm-123',
  config: { maxIterations: 8, approvalRequired: ['restart_vm'], forbiddenTools: ['reset_network'], approvalTimeoutMs: 60_000 },
  scriptedPlans: plans,
  decide: () => ({ approved: true, reason: 'on-call approved' }),
});
