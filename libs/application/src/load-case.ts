import { type Aggregate, NotFoundError, streamCategory, type EventEnvelope } from '@service-ledger/core';
import { COMPLAINT_STREAM, complaintAggregate } from '@service-ledger/complaints';
import { COURTESY_VISIT_STREAM, courtesyVisitAggregate } from '@service-ledger/courtesy-visits';
import type { EventStore } from '@service-ledger/event-store';
import { HELP_REQUEST_STREAM, helpRequestAggregate } from '@service-ledger/help-requests';
import { REPAIR_STREAM, repairAggregate } from '@service-ledger/repairs';
import { VISITOR_STREAM, visitorAggregate } from '@service-ledger/visitor-log';

/** Which aggregate folds a stream, by its category. */
export const AGGREGATES: Record<string, Aggregate<unknown>> = {
  [COMPLAINT_STREAM]: complaintAggregate as Aggregate<unknown>,
  [REPAIR_STREAM]: repairAggregate as Aggregate<unknown>,
  [HELP_REQUEST_STREAM]: helpRequestAggregate as Aggregate<unknown>,
  [COURTESY_VISIT_STREAM]: courtesyVisitAggregate as Aggregate<unknown>,
  [VISITOR_STREAM]: visitorAggregate as Aggregate<unknown>,
};

/** The state of a case (any stream) folded by its own aggregate, as of now or of an instant, with its history. */
export async function loadCase(store: EventStore, streamId: string, asOf?: Date): Promise<{ state: unknown; events: EventEnvelope[] }> {
  let events = await store.readStream(streamId);
  if (events.length === 0) throw new NotFoundError(`${streamId} does not exist`);
  if (asOf) events = events.filter((e) => Date.parse(e.occurredAt) <= asOf.getTime());
  const aggregate = AGGREGATES[streamCategory(streamId)];
  const state = aggregate ? events.reduce(aggregate.evolve, aggregate.initialState()) : null;
  return { state, events };
}
