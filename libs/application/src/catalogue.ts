import type { DomainCommand } from '@service-ledger/core';
import { alertCommands } from '@service-ledger/alerts';
import { complaintCommands } from '@service-ledger/complaints';
import { courtesyVisitCommands } from '@service-ledger/courtesy-visits';
import { directoryCommands } from '@service-ledger/directory';
import { helpRequestCommands } from '@service-ledger/help-requests';
import { policyCommands } from '@service-ledger/policies';
import { repairCommands } from '@service-ledger/repairs';
import { visitorLogCommands } from '@service-ledger/visitor-log';

/** Every command the system accepts: the API, the importer, the seed generator and the docs all read this list. */
export const commandCatalogue: readonly DomainCommand[] = [...directoryCommands, ...complaintCommands, ...repairCommands, ...helpRequestCommands, ...courtesyVisitCommands, ...visitorLogCommands, ...policyCommands, ...alertCommands];

const byName = new Map(commandCatalogue.map((c) => [c.name, c]));

export function findCommand(name: string): DomainCommand | undefined {
  return byName.get(name);
}
