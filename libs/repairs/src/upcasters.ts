import type { UpcastStep } from '@service-ledger/event-store';
import type { MaterialLine, MaterialLineV1 } from './events';

/**
 * Old shapes of repair events, turned into the current ones on read (the stored events never change: their hashes
 * chain them). Version 1 → 2 of RepairCompleted: `ownerSupplied: true|false` becomes `suppliedBy: 'owner'|'company'`.
 */
export const REPAIR_UPCASTERS: readonly UpcastStep[] = [
  {
    type: 'RepairCompleted',
    fromVersion: 1,
    step: (data) => ({
      ...data,
      materials: (data.materials as MaterialLineV1[]).map(({ ownerSupplied, ...line }): MaterialLine => ({ ...line, suppliedBy: ownerSupplied ? 'owner' : 'company' })),
    }),
  },
];
