/** Runs `duroxide-llm diagram …` in-process in a project folder: exit code, stdout and stderr. */
import { main } from '../../src/cli/main.js';

export async function diagramCli(root: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string) => (into.push(s), true) }) as unknown as NodeJS.WritableStream;
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const code = await main(['diagram', ...args], sink(out), sink(err));
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(cwd);
  }
}
