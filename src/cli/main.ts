#!/usr/bin/env node
/**
 * The `duroxide-llm` command. `duroxide-llm diagram --help` lists the diagram options.
 * It never exits before its output is written: a pipe that drains slowly gets all of it, a
 * write error exits non-zero, a closed pipe (`| head`) ends it quietly.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopMermaidValidator } from '../diagram/mermaid-validator.js';
import { diagramCommand, USAGE, UsageError } from './diagram-command.js';

const OPS_USAGE = `Operations (each with --help):
  duroxide-llm console      the operations console (instances, diagrams with runs, approvals)
  duroxide-llm instances    list | show | history | cancel | raise | start
  duroxide-llm approvals    list | approve | reject`;

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    out.write(`${USAGE}\n\n${OPS_USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === 'console') return (await import('./console-command.js')).consoleCommand(rest, out, err);
  if (command === 'instances') return (await import('./instances-command.js')).instancesCommand(rest, out, err);
  if (command === 'approvals') return (await import('./approvals-command.js')).approvalsCommand(rest, out, err);
  if (command !== 'diagram') {
    err.write(`duroxide-llm: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await diagramCommand(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`duroxide-llm diagram: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    err.write(`duroxide-llm diagram: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await stopMermaidValidator();
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<Error | null> {
  return new Promise((resolve) => {
    if (stream.destroyed) return resolve(null);
    stream.write('', (e) => resolve(e ?? null));
  });
}

/** Runs the command as a process: exit code from `main`, after stdout and stderr drained. */
export async function runAsProcess(argv: string[]): Promise<void> {
  let writeError: NodeJS.ErrnoException | null = null;
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // the reader is gone: nothing more to say
    writeError ??= e;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  const code = await main(argv);
  const outError = await flushed(process.stdout);
  await flushed(process.stderr);
  const failed = writeError ?? (outError as NodeJS.ErrnoException | null);
  if (failed && failed.code !== 'EPIPE') {
    process.stderr.write(`duroxide-llm: could not write the output: ${failed.message}\n`);
    process.exit(code || 1);
  }
  process.exit(code);
}

// Run when executed (also through the npm bin symlink), not when imported by tests.
const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) void runAsProcess(process.argv.slice(2));
