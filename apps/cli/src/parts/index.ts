import { embeddedParts } from '../commands/start';
import { projectorPart } from './projector.part';
import { seedPart } from './seed.part';

/** The embedded process, in start order: sample data on first run, then the projector catching up. */
embeddedParts.push(seedPart, projectorPart);
