/**
 * Tests that need something npm does not install (Chromium, Graphviz, a built `dist/`).
 * Locally a missing tool skips the test with the reason, which the summary reporter prints;
 * in CI (`CI` set), where `.ci/run` installs every tool, it fails the test instead.
 */
import type { TestContext } from 'vitest';

export const inCI = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());

/** Skips (locally) or fails (in CI) the running test when `available` is false. */
export function requireTool(ctx: TestContext, tool: string, available: boolean, hint: string): void {
  if (available) return;
  const reason = `${tool} is not available: ${hint}`;
  if (inCI) throw new Error(`${reason}. CI must run this test (.ci/run installs what it needs).`);
  ctx.skip(reason);
}
