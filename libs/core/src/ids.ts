import { v7 as uuidv7, validate, version } from 'uuid';

/** Time-ordered ids (UUIDv7) for events and new cases. */
export function newId(): string {
  return uuidv7();
}

export function isUuidV7(id: string): boolean {
  return validate(id) && version(id) === 7;
}
