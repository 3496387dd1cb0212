import { z } from 'zod';
import { newId } from '@service-ledger/core';
import { commandCatalogue } from './catalogue';

/**
 * Every UUID a command payload carries is one of: the id of the stream it writes, an id it gives a new record inside
 * that stream, or a reference to another case — and a reference must be declared in `related`, because that is where
 * the pipeline checks it against the caller's project (a case of another project reads as absent). A new field that
 * names another case without `related` fails here.
 */
const NEW_RECORD_IDS = new Set(['visitId']);

describe('case references in the command catalogue', () => {
  const uuidFields = (schema: z.ZodType) =>
    Object.entries((z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { format?: string }> }).properties ?? {})
      .filter(([, s]) => s.format === 'uuid')
      .map(([k]) => k);

  it.each(commandCatalogue.map((c) => [c.name, c] as const))('%s: every UUID field is its own stream, a new record, or a declared reference', (_name, command) => {
    for (const field of uuidFields(command.schema)) {
      const id = newId();
      const probe = new Proxy({}, { get: (_t, key) => (key === field ? id : newId()) }) as Record<string, unknown>;
      const ownStream = command.streamId(probe).endsWith(id);
      const declared = (command.related?.(probe) ?? []).some((s) => s.endsWith(id));
      expect({ field, covered: ownStream || declared || NEW_RECORD_IDS.has(field) }).toEqual({ field, covered: true });
    }
  });
});
