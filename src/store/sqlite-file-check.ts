/**
 * What SqliteStore checks before it opens a file: it refuses, without writing a byte, a file
 * that is not a duroxide-llm database or was written by a newer version.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreFormatError } from './errors.js';
import { APPLICATION_ID, FORMAT_MARKER, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
import type { Row } from './sql-rows.js';

/**
 * Refuses, without writing a byte or creating a file beside it, a file that is not a
 * duroxide-llm database. Ours carry APPLICATION_ID in the header; any other file is
 * inspected through an in-memory copy, so SQLite never creates `-wal`/`-shm` next to it.
 */
export function checkExistingFile(path: string, logger: { warn(message: string): void }): void {
  if (!existsSync(path)) return;
  if (statSync(path).size === 0) {
    logger.warn(`duroxide: ${path} is an empty file; SqliteStore is creating its database in it.`);
    return;
  }
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') {
    throw new StoreFormatError(
      `${path} is not a SQLite database (its header says otherwise). It was left untouched; ` +
        'point SqliteStore at another path (the default is .duroxide/duroxide.db).',
    );
  }
  if (header.readUInt32BE(68) === APPLICATION_ID) return checkOurs(path);
  checkCopy(path, readFileSync(path));
}

/** Our file: refuse only a schema newer than this version knows. */
function checkOurs(path: string): void {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT value FROM duroxide_meta WHERE key = 'schema_version'`).get() as Row | undefined;
    if (row && Number(row.value) > SQLITE_SCHEMA_VERSION) throw newerSchemaError(path, Number(row.value));
  } finally {
    db.close();
  }
}

/** Any other SQLite file, read from a copy in memory (WAL flags cleared: its WAL is not there). */
function checkCopy(path: string, bytes: Buffer): void {
  bytes[18] = 1;
  bytes[19] = 1;
  let db: Database.Database | null = null;
  try {
    db = new Database(bytes);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Row[]).map((r) => r.name as string);
    if (tables.length === 0) return;
    if (!tables.includes('duroxide_meta')) {
      throw new StoreFormatError(
        `${path} is a SQLite database of another application (tables: ${tables.slice(0, 5).join(', ')}). ` +
          'It was left untouched; point SqliteStore at another path (the default is .duroxide/duroxide.db).',
      );
    }
    const meta = Object.fromEntries((db.prepare(`SELECT key, value FROM duroxide_meta`).all() as Row[]).map((r) => [r.key, r.value]));
    if (meta.format !== FORMAT_MARKER) throw new StoreFormatError(`${path} is not a duroxide-llm database; it was left untouched.`);
    if (Number(meta.schema_version) > SQLITE_SCHEMA_VERSION) throw newerSchemaError(path, Number(meta.schema_version));
  } catch (err) {
    if (err instanceof StoreFormatError) throw err;
    throw new StoreFormatError(
      `${path} is not a readable SQLite database (${(err as Error).message}). It was left untouched; ` +
        'point SqliteStore at another path (the default is .duroxide/duroxide.db).',
    );
  } finally {
    db?.close();
  }
}

export function newerSchemaError(path: string, found: number): StoreFormatError {
  return new StoreFormatError(
    `${path} was written by a newer duroxide-llm (schema ${found}, this version knows ${SQLITE_SCHEMA_VERSION}). ` +
      'Upgrade duroxide-llm; the file was left untouched.',
  );
}
