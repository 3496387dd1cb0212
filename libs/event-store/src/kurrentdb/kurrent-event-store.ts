import {
  ANY,
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  START as KURRENT_START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongVersion,
  type AppendStreamState,
  type JSONRecordedEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { type EventEnvelope, type ExpectedVersion, type NewEvent, newId, WrongExpectedVersionError } from '@service-ledger/core';
import type { AppendResult, EventStore, GlobalCheckpoint, ReadAllBatch, ReadAllOptions, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { START } from '../event-store.port';
import { PollingSubscription } from '../polling-subscription';
import { noUpcasters, type Upcasters } from '../upcasters';

interface StoredMetadata {
  occurredAt: string;
  recordedAt: string;
  actor: EventEnvelope['actor'];
  projectId: string;
  correlationId: string;
  causationId: string | null;
  commandId?: string;
  schemaVersion: number;
}

const CHECKPOINT_STREAM = (id: string) => `sl_checkpoint-${id}`;
const COMMAND_STREAM = (id: string) => `sl_command-${id}`;
const INTERNAL = /^sl_(checkpoint|command)-/;

/**
 * KurrentDB adapter. Versions: KurrentDB revisions are 0-based, ours 1-based. The global checkpoint is
 * "commit:prepare". Runs the shared contract suite when KURRENTDB_URL is set (no server on the project's machines).
 */
export class KurrentEventStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  private readonly client: KurrentDBClient;

  constructor(
    url: string,
    private readonly upcasters: Upcasters = noUpcasters,
  ) {
    this.client = KurrentDBClient.connectionString`${url}`;
  }

  async init(): Promise<void> {
    await this.ping();
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    // caseNumberSeries is not honoured: no counter can move in the same write as this append, so cases stay unnumbered
    // here rather than risk a repeated or skipped number (README: case numbers).
    // The pointer stream below is written after the events, so this check is not atomic with them (no transactions).
    const applied = events[0]?.metadata.commandId ? await this.findByCommandId(events[0].metadata.commandId) : [];
    if (applied.length > 0) return { nextExpectedVersion: applied[applied.length - 1].streamVersion, events: applied, duplicate: true };
    const recordedAt = new Date().toISOString();
    const prepared = events.map((e) => ({ eventId: e.eventId ?? newId(), e }));
    try {
      const result = await this.client.appendToStream(
        streamId,
        prepared.map(({ eventId, e }) =>
          jsonEvent({
            id: eventId,
            type: e.type,
            data: e.data as Record<string, unknown>,
            metadata: { ...e.metadata, recordedAt, schemaVersion: e.schemaVersion } satisfies StoredMetadata,
          }),
        ),
        { streamState: toStreamState(expected) },
      );
      const next = Number(result.nextExpectedRevision) + 1;
      const first = next - events.length + 1;
      const stored: EventEnvelope[] = prepared.map(({ eventId, e }, i) => ({
        eventId,
        streamId,
        streamVersion: first + i,
        globalPosition: result.position ? result.position.commit : 0n,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        occurredAt: e.metadata.occurredAt,
        recordedAt,
        actor: e.metadata.actor,
        projectId: e.metadata.projectId,
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.causationId,
        commandId: e.metadata.commandId,
      }));
      const commandId = events[0].metadata.commandId;
      // KurrentDB has no secondary index: keep a small pointer stream per command for idempotent retries.
      if (commandId) {
        await this.client.appendToStream(
          COMMAND_STREAM(commandId),
          jsonEvent({ type: 'CommandApplied', data: { streamId, fromVersion: first, toVersion: next } }),
        );
      }
      return { nextExpectedVersion: next, events: stored };
    } catch (error) {
      if (error instanceof KurrentWrongVersion) {
        const actual = typeof error.actualState === 'bigint' ? Number(error.actualState) + 1 : 0;
        throw new WrongExpectedVersionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: { fromVersion?: number; toVersion?: number } = {}): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: options.fromVersion ? BigInt(options.fromVersion - 1) : KURRENT_START,
      })) {
        const env = this.toEnvelope(resolved);
        if (!env) continue;
        if (options.toVersion && env.streamVersion > options.toVersion) break;
        out.push(env);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async findByCommandId(commandId: string): Promise<EventEnvelope[]> {
    const pointers = await this.readStream(COMMAND_STREAM(commandId));
    const first = pointers[0]?.data as { streamId: string; fromVersion: number; toVersion: number } | undefined;
    if (!first) return [];
    return this.readStream(first.streamId, { fromVersion: first.fromVersion, toVersion: first.toVersion });
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const after = options.after ?? START;
    const limit = options.limit ?? 1000;
    const from = after === START ? KURRENT_START : parsePosition(after);
    const events: EventEnvelope[] = [];
    let checkpoint = after;
    for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: limit + 1, filter: excludeSystemEvents() })) {
      const pos = resolved.event?.position;
      if (!pos) continue;
      const key = `${pos.commit}:${pos.prepare}`;
      if (key === after) continue; // fromPosition is inclusive
      checkpoint = key;
      const env = this.toEnvelope(resolved);
      if (env && !INTERNAL.test(env.streamId)) events.push(env);
      if (events.length >= limit) break;
    }
    return { events, checkpoint };
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    return new PollingSubscription(this, options, handler);
  }

  async readCheckpoint(subscriptionId: string): Promise<GlobalCheckpoint> {
    try {
      for await (const resolved of this.client.readStream(CHECKPOINT_STREAM(subscriptionId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        return ((resolved.event as JSONRecordedEvent | undefined)?.data as { checkpoint?: string } | undefined)?.checkpoint ?? START;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return START;
  }

  async storeCheckpoint(subscriptionId: string, checkpoint: GlobalCheckpoint): Promise<void> {
    await this.client.appendToStream(CHECKPOINT_STREAM(subscriptionId), jsonEvent({ type: 'Checkpoint', data: { checkpoint } }));
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ maxCount: 1 })) break;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private toEnvelope(resolved: ResolvedEvent): EventEnvelope | null {
    const e = resolved.event as JSONRecordedEvent | undefined;
    if (!e) return null;
    const meta = (e.metadata ?? {}) as Partial<StoredMetadata>;
    const { schemaVersion, data } = this.upcasters.upcast(e.type, meta.schemaVersion ?? 1, e.data as Record<string, unknown>);
    return {
      eventId: e.id,
      streamId: e.streamId,
      streamVersion: Number(e.revision) + 1,
      globalPosition: e.position?.commit ?? 0n,
      type: e.type,
      schemaVersion,
      data,
      occurredAt: meta.occurredAt ?? e.created.toISOString(),
      recordedAt: meta.recordedAt ?? e.created.toISOString(),
      actor: meta.actor ?? { staffId: 'unknown', role: 'system' },
      projectId: meta.projectId ?? '',
      correlationId: meta.correlationId ?? e.id,
      causationId: meta.causationId ?? null,
      ...(meta.commandId ? { commandId: meta.commandId } : {}),
    };
  }
}

function toStreamState(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === 0) return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected - 1);
}

function parsePosition(cp: string): { commit: bigint; prepare: bigint } {
  const [commit, prepare] = cp.split(':');
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}
