/** Errors a store raises. Each message names the input at fault and what to do. */

import { DuroxideError } from '../duroxide-error.js';

export class StoreError extends DuroxideError {}

/** The lock token expired or was taken by another worker; nothing was written. */
export class LockLostError extends StoreError {
  constructor(readonly lockToken: string, what: string) {
    super(
      `Lock ${lockToken} on ${what} is no longer held (it expired or another worker took it); ` +
        'nothing was written. Renew long-held locks before they expire.',
    );
  }
}

export class InstanceAlreadyExistsError extends StoreError {
  constructor(readonly instanceId: string) {
    super(
      `An orchestration instance with id "${instanceId}" already exists. ` +
        'Pick another instance id, or read the existing one with client.getStatus().',
    );
  }
}

/** The file or schema is not one this store can use; it was left untouched. */
export class StoreFormatError extends StoreError {}

/** Where a stored payload is referenced: the event and the value's path in it. */
export interface PayloadLocation {
  instanceId: string;
  executionId: number;
  eventId: number;
  kind: string;
  /** The value's property path in the event, e.g. `prompt.prompt`. */
  path: string;
  /** The payload's key (SHA-256 of its JSON text, hex). */
  key: string;
}

/**
 * A history event references a stored payload that is missing or does not hash to its key:
 * the store's `payloads` table lost or changed rows. The history is not returned at all, so
 * no code replays against a wrong value.
 */
export class PayloadIntegrityError extends StoreError {
  constructor(readonly location: PayloadLocation, problem: string) {
    const l = location;
    super(
      `History of instance "${l.instanceId}" (execution ${l.executionId}), event ${l.eventId} (${l.kind}): the value at "${l.path}" ` +
        `is stored by content hash ${l.key}, and ${problem}. The store's payloads table lost or changed rows; ` +
        'restore the database from a backup (nothing was replayed against a wrong value).',
    );
  }
}
