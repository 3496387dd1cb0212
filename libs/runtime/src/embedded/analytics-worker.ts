import { parentPort, workerData } from 'node:worker_threads';
import { type AnalyticsTimings, ClickHouseAnalytics, migrate, Projector } from '@service-ledger/analytics';
import type { EventEnvelope } from '@service-ledger/core';
import { describeError, type ThreadData, type ThreadFeed, type ThreadMessage, type ThreadRequest } from './analytics-thread';

/** The projector thread (see AnalyticsThread): the only owner of the embedded process's chDB session. */
const port = parentPort!;
const data = workerData as ThreadData;
/** Answers and reports go back on a port of their own, which the main thread can also read mid-turn (AnalyticsThread.collect). */
const replies = data.replies ?? port;
const post = (m: ThreadMessage) => replies.postMessage(m);
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

// Measured here, observed by the main thread into the process's one /metrics.
const timings: AnalyticsTimings = {
  clickhouse: {
    query: {
      startTimer() {
        const started = process.hrtime.bigint();
        return ({ outcome }) => post({ timing: 'query', outcome, seconds: seconds(started) });
      },
    },
    insert: {
      startTimer({ table }) {
        const started = process.hrtime.bigint();
        return () => post({ timing: 'insert', table, seconds: seconds(started) });
      },
    },
  },
};

const db = ClickHouseAnalytics.open(data.analytics).instrument(timings);
/**
 * The projector writes through a connection of its own (chDB: a second session on the same folder, in this same
 * thread). A chDB connection runs one statement at a time, so on the API's connection a panel read waited for the
 * whole of an insert or an aggregate refresh in progress (a light query behind a 5 s one waited the 5 s; on a second
 * connection, 56 ms). Its statements carry no parameters (`inlined`): those of the whole process run one at a time.
 */
const projectorDb = data.analytics.kind === 'chdb' ? ClickHouseAnalytics.open(data.analytics).instrument(timings) : db;
const projector = new Projector(projectorDb, { timeZone: data.timeZone, refreshEveryMs: data.aggregateRefreshMs });
/** Events fed ahead of the next `project` (one batch of the subscription, sent in slices). */
let fed: EventEnvelope[] = [];
// Aggregate slices a stop or a crash left unrefreshed are recomputed at once, not at the first batch (which may be long
// in coming); if that fails, the first batch tries again and fails with it.
const opened = migrate(db).then(() => void projector.recover().catch(() => undefined));

async function answer(m: Exclude<ThreadRequest, { op: 'close' }>): Promise<unknown> {
  if (m.op === 'project') {
    const batch = fed.length ? fed.concat(m.events) : m.events;
    fed = [];
    await projector.handle(batch);
    return projector.stats;
  }
  // A what-if replays into a scratch database: the same session, another database.
  const target = m.database === db.database ? db : db.withDatabase(m.database);
  switch (m.op) {
    case 'query':
      return target.query(m.template, m.params);
    case 'queryRowsJson':
      return target.queryRowsJson(m.template, m.params);
    case 'command':
      return target.command(m.template, m.params);
    case 'insert':
      return target.insert(m.table, m.rows, m.dedupToken);
    case 'ping':
      return target.ping();
    case 'projectionPosition':
      return target.projectionPosition();
  }
}

port.on('message', (m: ThreadRequest | ThreadFeed) => {
  if (m.op === 'feed') {
    fed = fed.length ? fed.concat(m.events) : m.events;
    return;
  }
  if (m.op === 'close') {
    // Nothing else is asked once the main thread closes (its subscription has stopped); the thread ends with the port.
    // The slices of the last writes are recomputed first (a refresh cut short by the close is recovered on start).
    void projector
      .flush()
      .catch(() => undefined)
      .then(() => (projectorDb === db ? undefined : projectorDb.close()))
      .then(() => db.close())
      .then(
        () => post({ id: m.id, ok: true }),
        (error) => post({ id: m.id, ok: false, error: describeError(error) }),
      )
      .finally(() => port.close());
    return;
  }
  answer(m).then(
    (value) => post({ id: m.id, ok: true, value }),
    (error) => post({ id: m.id, ok: false, error: describeError(error) }),
  );
});

// A thread ended while chDB works for it takes the whole process down (chDB's addon aborts when a query finishes into
// a thread being torn down). An error nobody caught here therefore does not end the thread: the main thread is told,
// stops the process in order (the session closed by this thread) and its supervisor starts it again.
const fatal = (error: unknown) => post({ fatal: describeError(error) });
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

opened.then(
  () => post({ ready: true }),
  (error) => post({ ready: false, error: describeError(error) }),
);
