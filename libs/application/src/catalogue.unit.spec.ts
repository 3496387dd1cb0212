import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_EVENT_TYPES } from '@service-ledger/alerts';
import { COMPLAINT_EVENT_TYPES } from '@service-ledger/complaints';
import { COURTESY_VISIT_EVENT_TYPES } from '@service-ledger/courtesy-visits';
import { DIRECTORY_EVENT_TYPES } from '@service-ledger/directory';
import { HELP_REQUEST_EVENT_TYPES } from '@service-ledger/help-requests';
import { REPAIR_EVENT_TYPES } from '@service-ledger/repairs';
import { POLICY_EVENT_TYPES } from '@service-ledger/policies';
import { VISITOR_EVENT_TYPES } from '@service-ledger/visitor-log';
import { commandCatalogue } from './catalogue';

const doc = readFileSync(join(__dirname, '..', 'EVENTS.md'), 'utf8');

describe('event catalogue document', () => {
  it.each([...COMPLAINT_EVENT_TYPES, ...REPAIR_EVENT_TYPES, ...HELP_REQUEST_EVENT_TYPES, ...COURTESY_VISIT_EVENT_TYPES, ...VISITOR_EVENT_TYPES, ...DIRECTORY_EVENT_TYPES, ...POLICY_EVENT_TYPES, ...ALERT_EVENT_TYPES])('documents %s', (type) => {
    expect(doc).toContain(`| \`${type}\` |`);
  });
  it('names a command that exists for every event row', () => {
    const names = new Set(commandCatalogue.map((c) => c.name));
    const cited = [...doc.matchAll(/\| `[A-Za-z]+` \| [^|]+ \| ([^|]+) \|/g)].flatMap((m) => [...m[1].matchAll(/`([A-Z][A-Za-z]+)`/g)].map((x) => x[1]));
    expect(cited.length).toBeGreaterThan(30);
    for (const name of cited) expect(names).toContain(name);
  });
});
