import { parseCheckpoint, type SqlEventStore } from './sql-event-store';

/** The oldest transaction with an id in the cluster: it holds the global-log fence (pg_snapshot_xmin) back. */
export interface FenceBlocker {
  kind: 'transaction' | 'prepared';
  /** Backend pid (an open transaction) or null (a prepared transaction has no backend). */
  pid: number | null;
  /** Database of that transaction: any database of the cluster, not only the event store's. */
  database: string | null;
  /** pg_stat_activity.state (e.g. "idle in transaction") or "prepared". */
  state: string | null;
  applicationName: string | null;
  /** Prepared transaction's global id (COMMIT PREPARED / ROLLBACK PREPARED it). */
  gid: string | null;
  /** Seconds since the transaction began (or was prepared). */
  ageSeconds: number;
}

export interface GlobalLogSample {
  head: bigint;
  /** Committed events readers cannot see yet because an older transaction is still open somewhere in the cluster. */
  held: { events: number; oldestAgeSeconds: number };
  /** Null on PGlite (one connection, nothing else can hold the fence) or when no transaction holds an id. */
  blocker: FenceBlocker | null;
  /** Per subscription: positions between the head and its checkpoint, and the age of the oldest event after it. */
  subscriptions: Record<string, { checkpoint: string; positionsBehind: number; oldestPendingAgeSeconds: number }>;
}

/**
 * Watches what the global log's readers cannot see. The fence `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`
 * is cluster-wide: a session idle in a transaction that took an id, or a forgotten prepared transaction, in any
 * database of the cluster, stops every reader — by design (skipping would lose events), but it must be seen. Readers
 * keep the guarantee; this reports the lag and names the blocking backend.
 */
export class GlobalLogMonitor {
  constructor(private readonly store: SqlEventStore) {}

  /** Highest global position stored (committed, visible or not). */
  async head(): Promise<bigint> {
    const [row] = await this.store.sql.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM sl_events');
    return BigInt(row.head);
  }

  async sample(subscriptionIds: string[] = []): Promise<GlobalLogSample> {
    const sql = this.store.sql;
    const [held] = await sql.query<{ n: number; age: number | null }>(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(recorded_at))::float8 AS age
         FROM sl_events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())`,
    );
    const head = await this.head();
    const subscriptions: GlobalLogSample['subscriptions'] = {};
    for (const id of subscriptionIds) {
      const checkpoint = await this.store.readCheckpoint(id);
      const { txid, position } = parseCheckpoint(checkpoint);
      const [next] = await sql.query<{ age: number }>(
        `SELECT extract(epoch FROM now() - recorded_at)::float8 AS age FROM sl_events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) ORDER BY sl_events.transaction_id, sl_events.position LIMIT 1`,
        [txid, position],
      );
      const behind = head - BigInt(position);
      subscriptions[id] = { checkpoint, positionsBehind: Number(behind > 0n ? behind : 0n), oldestPendingAgeSeconds: Math.max(0, next?.age ?? 0) };
    }
    return { head, held: { events: held.n, oldestAgeSeconds: Math.max(0, held.age ?? 0) }, blocker: this.store.kind === 'postgres' ? await this.blocker() : null, subscriptions };
  }

  /**
   * Needs the rights to see other sessions' transaction ids (superuser, or `GRANT pg_monitor` to the store's user);
   * without them pg_stat_activity hides backend_xid and only prepared transactions are found.
   */
  private async blocker(): Promise<FenceBlocker | null> {
    const rows = await this.store.sql.query<{ kind: 'transaction' | 'prepared'; pid: number | null; database: string | null; state: string | null; application_name: string | null; gid: string | null; age: number }>(
      `SELECT * FROM (
         SELECT 'transaction' AS kind, pid, datname::text AS database, state, application_name, NULL::text AS gid,
                extract(epoch FROM now() - xact_start)::float8 AS age, age(backend_xid) AS xid_age
           FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
         UNION ALL
         SELECT 'prepared', NULL, database::text, 'prepared', NULL, gid, extract(epoch FROM now() - prepared)::float8, age(transaction)
           FROM pg_prepared_xacts) t
       ORDER BY xid_age DESC LIMIT 1`,
    );
    const r = rows[0];
    return r ? { kind: r.kind, pid: r.pid, database: r.database, state: r.state, applicationName: r.application_name || null, gid: r.gid, ageSeconds: Math.max(0, r.age ?? 0) } : null;
  }
}
