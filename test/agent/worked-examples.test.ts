/**
 * The worked agent examples besides VM remediation (`npm run demo:incident`, `demo:pipeline`,
 * `demo:provision`) run to completion on the mock planner, each in a fresh directory.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';

const root = resolve(import.meta.dirname, '../..');

function runExample(file: string) {
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), resolve(root, 'playground/agent', file)], {
    cwd: tempDir('duroxide-agent-example-'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('planning with scripted mock plans');
  const transcript = result.stdout.split('\n').filter((l) => l.startsWith('  {')).map((l) => JSON.parse(l));
  return { stdout: result.stdout, transcript, tools: transcript.filter((e) => e.kind === 'result').map((e) => e.tool) };
}

describe('worked agent examples', () => {
  it('each has an npm script', () => {
    const scripts = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).scripts;
    expect(scripts['demo:incident']).toBe('tsx playground/agent/incident-response.ts');
    expect(scripts['demo:pipeline']).toBe('tsx playground/agent/data-pipeline-repair.ts');
    expect(scripts['demo:provision']).toBe('tsx playground/agent/environment-provisioning.ts');
  });

  it('incident response: investigates in parallel, rolls back after approval, confirms recovery', () => {
    const { stdout, transcript, tools } = runExample('incident-response.ts');
    expect(stdout).toContain('approval requested for rollback_deploy (rollback-1): approving');
    expect(transcript[0]).toMatchObject({ kind: 'plan', parallel: true });
    expect(tools).toEqual(['get_alerts', 'query_logs', 'get_recent_deploys', 'rollback_deploy', 'post_status_update', 'get_error_rate']);
    expect(tools).not.toContain('restart_database');
    expect(stdout).toMatch(/completed after 4 iterations: Rolled checkout back/);
  });

  it('data-pipeline repair: a rejected backfill changes the plan; the one partition is repaired', () => {
    const { stdout, transcript, tools } = runExample('data-pipeline-repair.ts');
    expect(stdout).toContain('approval requested for backfill_partition (backfill-1): rejecting');
    expect(transcript).toContainEqual(expect.objectContaining({ kind: 'approval', tool: 'backfill_partition', approved: false }));
    expect(tools).not.toContain('backfill_partition');
    expect(tools).toEqual(['get_pipeline_status', 'get_task_logs', 'inspect_schema', 'quarantine_bad_rows', 'rerun_task', 'validate_row_counts']);
    expect(transcript.find((e) => e.tool === 'validate_row_counts').value.ok).toBe(true);
    expect(stdout).toMatch(/completed after 7 iterations: orders_daily 2026-11-30 repaired/);
  });

  it('environment provisioning: network, approved database, service, then DNS and smoke tests together', () => {
    const { stdout, tools } = runExample('environment-provisioning.ts');
    expect(stdout).toContain('approval requested for create_database (db-1): approving');
    expect(tools).toEqual(['check_quota', 'create_network', 'create_database', 'deploy_service', 'register_dns', 'run_smoke_tests']);
    expect(stdout).toMatch(/completed after 6 iterations: Staging for payments is up/);
  });
});
