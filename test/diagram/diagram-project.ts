/** Small on-disk projects for build-step tests. */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/temp-paths.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

/** A temp project whose src/ holds the given fixture files (and extra files). */
export function makeProject(fixtures: string[], extra: Record<string, string> = {}): string {
  const root = tempDir('duroxide-diagram-project-');
  mkdirSync(join(root, 'src'), { recursive: true });
  for (const f of fixtures) cpSync(join(FIXTURES, f), join(root, 'src', f));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture-project', type: 'module' }, null, 2));
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
