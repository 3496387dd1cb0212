/**
 * One schema for PGlite and PostgreSQL. `transaction_id` is what makes the global log safe to follow:
 * readers only see rows whose transaction is older than every transaction still in flight
 * (pg_snapshot_xmin), so an event that commits late with a smaller position is never skipped.
 * `hash`/`prev_hash` carry the per-stream tamper-evidence chain. `sl_log` is the sealed global log: the sealer
 * (libs/audit) numbers every visible event densely in global order and chains them (canonical.ts logHash);
 * `sl_log_checkpoints` holds its signed checkpoints. Appends never touch either table.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS sl_streams (
  stream_id      text PRIMARY KEY,
  version        integer NOT NULL,
  last_hash      text
);
CREATE TABLE IF NOT EXISTS sl_events (
  position        bigserial PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid NOT NULL UNIQUE,
  stream_id       text NOT NULL,
  stream_version  integer NOT NULL,
  type            text NOT NULL,
  schema_version  integer NOT NULL,
  data            jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL,
  actor_id        text NOT NULL,
  actor_role      text NOT NULL,
  project_id      text NOT NULL,
  correlation_id  text NOT NULL,
  causation_id    text,
  command_id      text,
  hash            text,
  prev_hash       text,
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX IF NOT EXISTS sl_events_global ON sl_events (transaction_id, position);
CREATE INDEX IF NOT EXISTS sl_events_command ON sl_events (command_id) WHERE command_id IS NOT NULL;
-- Readable case numbers (case-number.ts): one counter row per series (<project>-<yyyymm>), moved by the same
-- statement or transaction that appends the case's first event, so a failed append leaves no gap.
ALTER TABLE sl_events ADD COLUMN IF NOT EXISTS case_number text;
CREATE UNIQUE INDEX IF NOT EXISTS sl_events_case_number ON sl_events (case_number) WHERE case_number IS NOT NULL;
CREATE TABLE IF NOT EXISTS sl_case_counters (
  series    text PRIMARY KEY,
  last_seq  integer NOT NULL
);
CREATE TABLE IF NOT EXISTS sl_checkpoints (
  subscription_id text PRIMARY KEY,
  checkpoint      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sl_log (
  seq             bigint PRIMARY KEY,
  position        bigint NOT NULL UNIQUE,
  transaction_id  xid8 NOT NULL,
  event_hash      text NOT NULL,
  log_hash        text NOT NULL
);
-- The case number each entry's event had when sealed ('' for none), chained into its digest (logHash); NULL on entries
-- sealed before numbers were sealed, which keep the rule without it.
ALTER TABLE sl_log ADD COLUMN IF NOT EXISTS case_number text;
CREATE TABLE IF NOT EXISTS sl_log_checkpoints (
  seq             bigint PRIMARY KEY,
  position        bigint NOT NULL,
  log_hash        text NOT NULL,
  sealed_at       text NOT NULL,
  signature       text,
  key_id          text
);
`;
