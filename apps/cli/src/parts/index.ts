import { embeddedParts } from '../commands/start';
import { projectorPart } from './projector.part';

/** The embedded process, in start order. */
embeddedParts.push(projectorPart);
