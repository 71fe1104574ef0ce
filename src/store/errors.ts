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
