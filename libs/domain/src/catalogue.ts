import type { DomainCommand } from '@service-ledger/core';
import { alertCommands } from '@service-ledger/alerts';
import { complaintCommands } from '@service-ledger/complaints';
import { directoryCommands } from '@service-ledger/directory';
import { policyCommands } from '@service-ledger/policies';
import { repairCommands } from '@service-ledger/repairs';
import { visitsCommands } from '@service-ledger/visits';

/** Every command the system accepts: the API, the importer, the seed generator and the docs all read this list. */
export const commandCatalogue: readonly DomainCommand[] = [...directoryCommands, ...complaintCommands, ...repairCommands, ...visitsCommands, ...policyCommands, ...alertCommands];

const byName = new Map(commandCatalogue.map((c) => [c.name, c]));

export function findCommand(name: string): DomainCommand | undefined {
  return byName.get(name);
}
