import { embeddedParts } from '../commands/start';
import { embeddedAnalytics, projectorPart } from './projector.part';
import { schedulerPart } from './scheduler.part';
import { sealerPart } from './sealer.part';
import { seedPart } from './seed.part';

/** The embedded process, in start order: sample data on first run, the sealer, the projector catching up, the monthly export. */
embeddedParts.push(seedPart, sealerPart, projectorPart, schedulerPart(() => embeddedAnalytics!));
