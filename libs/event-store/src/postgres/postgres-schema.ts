// Idempotent schema migration for the PostgreSQL event store. Everything lives in one schema so
// several stores (e.g. per test run) can share a database.
//
// Gap safety, and why appends take a short global lock:
// `position` comes from a sequence, and a sequence value is taken before its transaction commits.
// So position 11 can commit and become visible while position 10 is still in flight; a reader that
// checkpointed at 11 would never see 10. Readers therefore only deliver rows whose transaction id is
// below the xmin of their snapshot (`tx_id < pg_snapshot_xmin(pg_current_snapshot())`): every
// transaction older than xmin has finished, so those rows can no longer change. (See event-driven.io,
// "How Postgres sequences issues can impact your messaging guarantees".)
// That filter alone is only sound if position order matches transaction-id order. Xids and sequence
// values are handed out by two independent counters, so transaction A could get xid 100, B xid 101,
// then B position 10 and A position 11: A commits, B is in flight, xmin = 101, and A's position 11
// is delivered ahead of B's 10. The append function therefore assigns its xid and draws all its
// positions inside one short session-level advisory lock (released before the stream row lock and
// long before commit, so commits still run in parallel). With both orders equal, the visible rows
// are always a gap-free prefix of the log.
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

export function notificationChannel(schema: string): string {
  return `${schema}_events_appended`;
}

/** Stable advisory lock key per schema (the migration and the position allocator use it). */
export function lockKey(schema: string, purpose: 'migrate' | 'allocate'): string {
  // Keys are computed by postgres' hashtext so they're the same from every client.
  return `hashtext('crm-event-store:${purpose}:${schema}')`;
}

export function migrationSql(schema: string): string {
  const s = schema;
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

-- Append-only log. Positions are unique and increasing but not dense (aborted appends burn them).
CREATE TABLE IF NOT EXISTS ${s}.events (
  position    bigserial   PRIMARY KEY,
  stream_id   text        NOT NULL,
  revision    int         NOT NULL,
  event_id    uuid        NOT NULL UNIQUE,
  type        text        NOT NULL,
  data        jsonb       NOT NULL,
  metadata    jsonb       NOT NULL DEFAULT '{}',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  tx_id       xid8        NOT NULL DEFAULT pg_current_xact_id(),
  UNIQUE (stream_id, revision)
);

-- One row per stream, locked by appenders: the optimistic concurrency check.
CREATE TABLE IF NOT EXISTS ${s}.streams (
  stream_id text PRIMARY KEY,
  revision  int  NOT NULL
);

-- One round trip per append: idempotency check, position allocation, expected-revision check,
-- insert, stream update and notify. Returns the positions of the events (the original ones
-- when every id was already stored in this stream, with duplicate = true).
-- Custom SQLSTATEs: ESWER wrong expected revision (DETAIL = actual revision, -1 = no stream),
-- ESIDC idempotency conflict (DETAIL = reason), ESTXN not the first write of its transaction.
CREATE OR REPLACE FUNCTION ${s}.append_to_stream(
  p_stream_id text, p_events jsonb, p_expected_kind text, p_expected_revision int
) RETURNS TABLE (positions bigint[], next_revision int, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_n int := jsonb_array_length(p_events);
  v_ids uuid[];
  v_found int;
  v_foreign int;
  v_positions bigint[];
  v_stored_positions bigint[];
  v_last int;
  v_current int;
BEGIN
  SELECT array_agg((t.e->>'eventId')::uuid ORDER BY t.ord), count(DISTINCT t.e->>'eventId') INTO v_ids, v_found
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, ord);
  IF v_found <> v_n THEN
    RAISE EXCEPTION USING ERRCODE = 'ESIDC', MESSAGE = 'same event id twice in one append',
      DETAIL = 'same event id twice in one append';
  END IF;

  -- Retry fast path: no xid, no locks, no positions burned.
  FOR pass IN 1..2 LOOP
    SELECT count(*), count(*) FILTER (WHERE ev.stream_id <> p_stream_id),
           array_agg(ev.position ORDER BY i.ord), max(ev.revision)
      INTO v_found, v_foreign, v_stored_positions, v_last
      FROM unnest(v_ids) WITH ORDINALITY AS i(id, ord)
      JOIN ${s}.events ev ON ev.event_id = i.id;
    IF v_foreign > 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'ESIDC', MESSAGE = 'event id already stored in another stream',
        DETAIL = 'already stored in another stream';
    ELSIF v_found = v_n AND v_n > 0 THEN
      RETURN QUERY SELECT v_stored_positions, v_last, true;
      RETURN;
    ELSIF v_found > 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'ESIDC', MESSAGE = 'some but not all event ids already stored',
        DETAIL = 'some but not all already stored';
    END IF;

    EXIT WHEN pass = 2;

    IF v_n > 0 THEN
      -- Gap safety (see the migration's header): xid and positions drawn in one critical section.
      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'ESTXN',
          MESSAGE = 'append_to_stream must be the first write of its transaction';
      END IF;
      PERFORM pg_advisory_lock(${lockKey(s, 'allocate')});
      PERFORM pg_current_xact_id();
      SELECT array_agg(p ORDER BY p) INTO v_positions
        FROM (SELECT nextval('${s}.events_position_seq') AS p FROM generate_series(1, v_n)) AS seq;
      PERFORM pg_advisory_unlock(${lockKey(s, 'allocate')});
    END IF;

    -- Concurrency: appenders to one stream queue on its row lock; the second pass of the id check
    -- then sees what the winner committed (read committed: each statement takes a new snapshot).
    SELECT st.revision INTO v_current FROM ${s}.streams st WHERE st.stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
      IF v_n = 0 THEN
        v_current := -1;
      ELSE
        -- A concurrent creator makes this wait for its commit, then do nothing: lock its row instead.
        INSERT INTO ${s}.streams (stream_id, revision) VALUES (p_stream_id, -1) ON CONFLICT DO NOTHING
          RETURNING revision INTO v_current;
        IF NOT FOUND THEN
          SELECT st.revision INTO v_current FROM ${s}.streams st WHERE st.stream_id = p_stream_id FOR UPDATE;
        END IF;
      END IF;
    END IF;
  END LOOP;

  IF NOT (p_expected_kind = 'any'
       OR (p_expected_kind = 'no_stream' AND v_current = -1)
       OR (p_expected_kind = 'stream_exists' AND v_current >= 0)
       OR (p_expected_kind = 'exact' AND v_current = p_expected_revision)) THEN
    RAISE EXCEPTION USING ERRCODE = 'ESWER', MESSAGE = 'wrong expected revision', DETAIL = v_current::text;
  END IF;
  IF v_n = 0 THEN
    RETURN QUERY SELECT ARRAY[]::bigint[], v_current, false;
    RETURN;
  END IF;

  INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, data, metadata)
  SELECT v_positions[t.ord], p_stream_id, v_current + t.ord::int, (t.e->>'eventId')::uuid, t.e->>'type',
         t.e->'data', coalesce(t.e->'metadata', '{}'::jsonb)
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, ord);
  UPDATE ${s}.streams SET revision = v_current + v_n WHERE stream_id = p_stream_id;
  -- Delivered at commit; identical payloads within a transaction are folded into one.
  PERFORM pg_notify('${notificationChannel(s)}', '');
  RETURN QUERY SELECT v_positions, v_current + v_n, false;
END
$fn$;
`;
}
