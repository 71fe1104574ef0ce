/**
 * Data-pipeline repair: the nightly `orders_daily` pipeline failed; repair it and fill the
 * missing partition. Simulated warehouse tools on the embedded SQLite store.
 * Run: npm run demo:pipeline
 *
 * The planner reads the status and logs, finds an upstream schema change, asks to backfill the
 * whole month (a human rejects it, with a reason the planner reads), quarantines the bad rows,
 * re-runs the one failed task and checks the row counts. Dropping tables is forbidden, and the
 * run has a token budget. With OPENAI_API_KEY or ANTHROPIC_API_KEY set a real model plans.
 */
import { activity, type ActivityContext } from '../../src/index.js';
import { finish, runAgentExample, step } from './example-runner.js';

const pipelineTask = {
  type: 'object',
  properties: { pipeline: { type: 'string' }, task: { type: 'string' }, partition: { type: 'string' } },
  required: ['pipeline', 'task', 'partition'],
};
const tablePartition = { type: 'object', properties: { table: { type: 'string' }, partition: { type: 'string' } }, required: ['table', 'partition'] };

class WarehouseTools {
  private quarantined = 0;

  @activity({ name: 'get_pipeline_status', description: 'State of the last run of a pipeline', parameters: { type: 'object', properties: { pipeline: { type: 'string' } }, required: ['pipeline'] } })
  async status(_ctx: ActivityContext, { pipeline }: { pipeline: string }) {
    return { pipeline, state: 'failed', failedTask: 'transform_orders', partition: '2026-11-30', succeededTasks: ['extract_orders'] };
  }

  @activity({
    name: 'get_task_logs',
    description: 'The log of one task run',
    parameters: { type: 'object', properties: { pipeline: { type: 'string' }, task: { type: 'string' } }, required: ['pipeline', 'task'] },
  })
  async taskLogs() {
    return ['transform_orders: casting raw_orders.discount_code to INTEGER', "ValueError: invalid literal for int() with base 10: 'BLACKFRIDAY'", '12 of 48223 rows failed'];
  }

  @activity({ name: 'inspect_schema', description: 'Columns of a table and recent schema changes', parameters: { type: 'object', properties: { table: { type: 'string' } }, required: ['table'] } })
  async schema(_ctx: ActivityContext, { table }: { table: string }) {
    return { table, columns: { order_id: 'BIGINT', amount: 'NUMERIC', discount_code: 'TEXT' }, changes: [{ at: '2026-11-29', column: 'discount_code', from: 'INTEGER', to: 'TEXT' }] };
  }

  @activity({
    name: 'backfill_partition',
    description: 'Recompute every partition of a month (expensive; needs human approval)',
    parameters: { type: 'object', properties: { pipeline: { type: 'string' }, month: { type: 'string' } }, required: ['pipeline', 'month'] },
  })
  async backfill() {
    return { started: true };
  }

  @activity({
    name: 'quarantine_bad_rows',
    description: 'Move rows matching a SQL predicate out of a partition into a quarantine table',
    parameters: { type: 'object', properties: { table: { type: 'string' }, partition: { type: 'string' }, predicate: { type: 'string' } }, required: ['table', 'partition', 'predicate'] },
    examples: [{ description: 'non-numeric ids', params: { table: 'raw_orders', partition: '2026-11-30', predicate: "order_id !~ '^[0-9]+$'" }, result: { quarantined: 3 } }],
  })
  async quarantine() {
    this.quarantined = 12;
    return { quarantined: this.quarantined, into: 'raw_orders_quarantine' };
  }

  @activity({ name: 'rerun_task', description: 'Re-run one task of a pipeline for one partition', parameters: pipelineTask })
  async rerun(_ctx: ActivityContext, { task, partition }: { task: string; partition: string }) {
    if (this.quarantined === 0) throw new Error(`${task} failed again on ${partition}: invalid literal for int(): 'BLACKFRIDAY'`);
    return { task, partition, state: 'succeeded', rows: 48211 };
  }

  @activity({ name: 'validate_row_counts', description: 'Compare source and target row counts of a partition', parameters: tablePartition })
  async rowCounts(_ctx: ActivityContext, { table, partition }: { table: string; partition: string }) {
    return { table, partition, source: 48223, target: 48211, quarantined: this.quarantined, ok: 48211 + this.quarantined === 48223 };
  }

  @activity({ name: 'drop_table', description: 'Drop a table', parameters: { type: 'object', properties: { table: { type: 'string' } }, required: ['table'] } })
  async dropTable() {
    throw new Error('never offered to the planner');
  }
}

const plans = [
  step('orders_daily failed. Read its status and the failed task log together.', [
    { tool: 'get_pipeline_status', params: { pipeline: 'orders_daily' }, id: 'status-1' },
    { tool: 'get_task_logs', params: { pipeline: 'orders_daily', task: 'transform_orders' }, id: 'logs-1' },
  ]),
  step('A cast of discount_code fails on text values. Did the upstream schema change?', [{ tool: 'inspect_schema', params: { table: 'raw_orders' }, id: 'schema-1' }]),
  step('discount_code became TEXT on 11-29. Backfill November so every partition uses the new type.', [
    { tool: 'backfill_partition', params: { pipeline: 'orders_daily', month: '2026-11' }, id: 'backfill-1' },
  ]),
  step('The backfill was rejected: repair only 2026-11-30. Quarantine the rows with text discount codes first.', [
    { tool: 'quarantine_bad_rows', params: { table: 'raw_orders', partition: '2026-11-30', predicate: "discount_code !~ '^[0-9]+$'" }, id: 'quarantine-1' },
  ]),
  step('Re-run the failed task for the partition.', [{ tool: 'rerun_task', params: { pipeline: 'orders_daily', task: 'transform_orders', partition: '2026-11-30' }, id: 'rerun-1' }]),
  step('Check the row counts add up.', [{ tool: 'validate_row_counts', params: { table: 'orders_daily', partition: '2026-11-30' }, id: 'counts-1' }]),
  finish('orders_daily 2026-11-30 repaired: 12 rows with text discount codes quarantined, transform_orders re-run (48,211 rows), counts match.', 'repaired'),
];

await runAgentExample({
  database: 'pipeline.db',
  tools: [new WarehouseTools()],
  intent: 'The nightly orders_daily pipeline failed. Repair it and fill the missing partition.',
  config: { maxIterations: 10, maxCost: { maxTokens: 200_000 }, approvalRequired: ['backfill_partition'], forbiddenTools: ['drop_table'], approvalTimeoutMs: 60_000 },
  scriptedPlans: plans,
  decide: (tool) =>
    tool === 'backfill_partition' ? { approved: false, reason: 'a month backfill costs too much; repair only the failed partition' } : { approved: true, reason: 'ok' },
});
