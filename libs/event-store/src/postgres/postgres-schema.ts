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
// positions inside one short session-level advisory lock (released long before commit, so commits
// still run in parallel). With both orders equal, the visible rows are always a gap-free prefix of
// the log.
// Within one stream, revision order must also equal position order, or a reader by position would
// see revision 6 before 5. Each append therefore locks its streams (per-stream advisory locks held
// to commit, see lock_streams) before it draws positions.
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

export function notificationChannel(schema: string): string {
  return `${schema}_events_appended`;
}

/** First key of the two-key advisory locks on streams: one namespace per schema. */
export function lockKeyInt(schema: string, purpose: 'stream'): string {
  return `hashtext('crm-event-store:${purpose}:${schema}')`;
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

-- One row per stream: its current revision, for the expected-revision check (appenders hold the stream's lock).
CREATE TABLE IF NOT EXISTS ${s}.streams (
  stream_id text PRIMARY KEY,
  revision  int  NOT NULL
);

-- One round trip per append: idempotency check, position allocation, expected-revision check,
-- insert, stream update and notify. Returns the positions of the events (the original ones
-- when every id was already stored in this stream, with duplicate = true).
-- Custom SQLSTATEs: ESWER wrong expected revision (DETAIL = actual revision, -1 = no stream),
-- ESIDC idempotency conflict (DETAIL = reason), ESTXN not the first write of its transaction.
-- Functions hold no data: dropped and recreated on every migration, so a changed signature
-- never blocks an upgrade.
DROP FUNCTION IF EXISTS ${s}.append_many(jsonb);
DROP FUNCTION IF EXISTS ${s}.append_to_stream(text, jsonb, text, int);
DROP FUNCTION IF EXISTS ${s}.write_events(text, jsonb, uuid[], text, int, bigint[]);
DROP FUNCTION IF EXISTS ${s}.event_ids(jsonb);
DROP FUNCTION IF EXISTS ${s}.allocate_positions(int);
DROP FUNCTION IF EXISTS ${s}.find_stored(text, uuid[]);
DROP FUNCTION IF EXISTS ${s}.lock_streams(text[]);

-- Ids already stored: all in this stream (a retry: their positions) or none; anything else is a conflict.
CREATE OR REPLACE FUNCTION ${s}.find_stored(p_stream_id text, p_ids uuid[])
RETURNS TABLE (stored_count int, positions bigint[], last_revision int)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_n int := coalesce(array_length(p_ids, 1), 0);
  v_foreign int;
BEGIN
  SELECT count(*), count(*) FILTER (WHERE ev.stream_id <> p_stream_id),
         array_agg(ev.position ORDER BY i.ord), max(ev.revision)
    INTO stored_count, v_foreign, positions, last_revision
    FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord)
    JOIN ${s}.events ev ON ev.event_id = i.id;
  IF v_foreign > 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'ESIDC', MESSAGE = 'event id already stored in another stream',
      DETAIL = 'already stored in another stream';
  ELSIF stored_count > 0 AND stored_count < v_n THEN
    RAISE EXCEPTION USING ERRCODE = 'ESIDC', MESSAGE = 'some but not all event ids already stored',
      DETAIL = 'some but not all already stored';
  END IF;
  RETURN NEXT;
END
$fn$;

-- Assigns this transaction's xid and draws n positions inside one short lock, so position order
-- equals transaction-id order (see the comment at the top). Must be the transaction's first write.
CREATE OR REPLACE FUNCTION ${s}.allocate_positions(p_n int) RETURNS bigint[]
LANGUAGE plpgsql AS $fn$
DECLARE
  v_positions bigint[];
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'ESTXN',
      MESSAGE = 'appends must be the first write of their transaction';
  END IF;
  PERFORM pg_advisory_lock(${lockKey(s, 'allocate')});
  PERFORM pg_current_xact_id();
  SELECT array_agg(p ORDER BY p) INTO v_positions
    FROM (SELECT nextval('${s}.events_position_seq') AS p FROM generate_series(1, p_n)) AS seq;
  PERFORM pg_advisory_unlock(${lockKey(s, 'allocate')});
  RETURN v_positions;
END
$fn$;

-- Writes one stream's events at pre-allocated positions. The caller holds the stream's lock
-- (lock_streams), so the stream's revision cannot move underneath; ids are checked again here
-- (a concurrent appender may just have committed them), then the expected revision.
CREATE OR REPLACE FUNCTION ${s}.write_events(
  p_stream_id text, p_events jsonb, p_ids uuid[], p_expected_kind text, p_expected_revision int, p_positions bigint[]
) RETURNS TABLE (positions bigint[], next_revision int, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_n int := jsonb_array_length(p_events);
  v_current int;
  v_stored record;
BEGIN
  SELECT st.revision INTO v_current FROM ${s}.streams st WHERE st.stream_id = p_stream_id;
  IF NOT FOUND THEN
    v_current := -1;
  END IF;

  IF v_n > 0 THEN
    SELECT * INTO v_stored FROM ${s}.find_stored(p_stream_id, p_ids);
    IF v_stored.stored_count = v_n THEN
      RETURN QUERY SELECT v_stored.positions, v_stored.last_revision, true;
      RETURN;
    END IF;
  END IF;

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
  SELECT p_positions[t.ord], p_stream_id, v_current + t.ord::int, (t.e->>'eventId')::uuid, t.e->>'type',
         t.e->'data', coalesce(t.e->'metadata', '{}'::jsonb)
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, ord);
  INSERT INTO ${s}.streams AS st (stream_id, revision) VALUES (p_stream_id, v_current + v_n)
    ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision;
  RETURN QUERY SELECT p_positions[1:v_n], v_current + v_n, false;
END
$fn$;

-- Per-stream locks, taken before positions are drawn and held to commit: a stream's appends run
-- one after another, so each one draws its positions after the previous one committed, and a
-- stream's revision order always equals its position order (readers by position never see a
-- later revision first). Advisory locks take no transaction id (allocation must assign it), and
-- are taken in hash order so two multi-stream appends cannot deadlock.
CREATE OR REPLACE FUNCTION ${s}.lock_streams(p_stream_ids text[]) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  v_key int;
BEGIN
  FOR v_key IN SELECT DISTINCT hashtext(x) FROM unnest(p_stream_ids) AS x ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(${lockKeyInt(s, 'stream')}, v_key);
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION ${s}.event_ids(p_events jsonb) RETURNS uuid[]
LANGUAGE plpgsql AS $fn$
DECLARE
  v_ids uuid[];
  v_distinct int;
BEGIN
  SELECT array_agg((t.e->>'eventId')::uuid ORDER BY t.ord), count(DISTINCT t.e->>'eventId') INTO v_ids, v_distinct
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, ord);
  IF v_distinct <> jsonb_array_length(p_events) THEN
    RAISE EXCEPTION USING ERRCODE = 'ESIDC', MESSAGE = 'same event id twice in one append',
      DETAIL = 'same event id twice in one append';
  END IF;
  RETURN coalesce(v_ids, ARRAY[]::uuid[]);
END
$fn$;

-- One stream. A retry whose ids are all stored answers from the id index without taking a
-- position, an xid or any lock.
CREATE OR REPLACE FUNCTION ${s}.append_to_stream(
  p_stream_id text, p_events jsonb, p_expected_kind text, p_expected_revision int
) RETURNS TABLE (positions bigint[], next_revision int, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_n int := jsonb_array_length(p_events);
  v_ids uuid[] := ${s}.event_ids(p_events);
  v_stored record;
  v_positions bigint[];
BEGIN
  SELECT * INTO v_stored FROM ${s}.find_stored(p_stream_id, v_ids);
  IF v_n > 0 AND v_stored.stored_count = v_n THEN
    RETURN QUERY SELECT v_stored.positions, v_stored.last_revision, true;
    RETURN;
  END IF;
  PERFORM ${s}.lock_streams(ARRAY[p_stream_id]);
  IF v_n > 0 THEN
    v_positions := ${s}.allocate_positions(v_n);
  END IF;
  RETURN QUERY SELECT * FROM ${s}.write_events(p_stream_id, p_events, v_ids, p_expected_kind, p_expected_revision, v_positions);
  IF v_n > 0 THEN
    PERFORM pg_notify('${notificationChannel(s)}', '');
  END IF;
END
$fn$;

-- Many streams in one transaction (group commit): one position allocation, one notification,
-- per-stream outcomes. The common case (expected revision 'any', no id seen before) is written
-- set-based: a handful of statements whatever the batch size. Anything else takes the careful
-- path, item by item, where a failing append (wrong revision, id conflict) is rolled back alone.
-- All its streams are locked first (lock_streams); within one stream the appends keep their order.
CREATE OR REPLACE FUNCTION ${s}.append_many(p_batch jsonb)
RETURNS TABLE (ord int, positions bigint[], next_revision int, duplicate boolean, error_code text, error_detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_total int;
  v_all bigint[];
  v_offset int := 0;
  v_item record;
  v_result record;
  v_ids uuid[];
  v_streams text[];
  v_wrote boolean := false;
  v_state text;
  v_detail text;
  v_simple boolean;
BEGIN
  -- Positions first: allocation must be the transaction's first write.
  SELECT coalesce(sum(jsonb_array_length(b.item->'events')), 0), bool_and(b.item->>'expectedKind' = 'any'),
         array_agg(DISTINCT b.item->>'streamId')
    INTO v_total, v_simple, v_streams
    FROM jsonb_array_elements(p_batch) AS b(item);
  PERFORM ${s}.lock_streams(v_streams);
  IF v_total > 0 THEN
    v_all := ${s}.allocate_positions(v_total::int);
  END IF;

  -- Fast path: every append is 'any' and no event id repeats within the batch or exists already.
  IF v_simple AND v_total > 0 THEN
    SELECT array_agg((t.e->>'eventId')::uuid) INTO v_ids
      FROM jsonb_array_elements(p_batch) AS b(item), jsonb_array_elements(b.item->'events') AS t(e);
    v_simple := cardinality(v_ids) = (SELECT count(DISTINCT x) FROM unnest(v_ids) AS x)
      AND NOT EXISTS (SELECT 1 FROM ${s}.events ev WHERE ev.event_id = ANY (v_ids));
  END IF;

  IF v_simple THEN
    RETURN QUERY
    WITH locked AS (
      SELECT x AS stream_id, coalesce(st.revision, -1) AS revision
        FROM unnest(v_streams) AS x LEFT JOIN ${s}.streams st ON st.stream_id = x
    ), placed AS (
      -- Positions in batch order; revisions consecutive per stream, in batch order.
      SELECT x.ord, x.stream_id, x.e,
             l.revision + row_number() OVER (PARTITION BY x.stream_id ORDER BY x.ord, x.k)::int AS revision,
             v_all[row_number() OVER (ORDER BY x.ord, x.k)] AS position
        FROM (SELECT b.ord::int AS ord, b.item->>'streamId' AS stream_id, t.e, t.k
                FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(item, ord),
                     jsonb_array_elements(b.item->'events') WITH ORDINALITY AS t(e, k)) x
        JOIN locked l ON l.stream_id = x.stream_id
    ), inserted AS (
      INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, data, metadata)
      SELECT p.position, p.stream_id, p.revision, (p.e->>'eventId')::uuid, p.e->>'type', p.e->'data',
             coalesce(p.e->'metadata', '{}'::jsonb)
        FROM placed p ORDER BY p.position
      RETURNING 1
    ), updated AS (
      INSERT INTO ${s}.streams AS st (stream_id, revision)
      SELECT p.stream_id, max(p.revision) FROM placed p GROUP BY p.stream_id ORDER BY 1
      ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision
      RETURNING 1
    )
    SELECT b.ord::int,
           coalesce((SELECT array_agg(p.position ORDER BY p.position) FROM placed p WHERE p.ord = b.ord), ARRAY[]::bigint[]),
           coalesce((SELECT max(p.revision) FROM placed p WHERE p.ord = b.ord),
                    (SELECT max(p.revision) FROM placed p WHERE p.stream_id = b.item->>'streamId' AND p.ord < b.ord),
                    (SELECT l.revision FROM locked l WHERE l.stream_id = b.item->>'streamId')),
           false, NULL::text, NULL::text
      FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(item, ord);
    -- (Data-modifying WITH parts run to completion whether or not the final SELECT reads them.)
    PERFORM pg_notify('${notificationChannel(s)}', '');
    RETURN;
  END IF;

  FOR v_item IN
    SELECT b.ord::int AS ord, b.item->>'streamId' AS stream_id, b.item->'events' AS events,
           b.item->>'expectedKind' AS kind, (b.item->>'expectedRevision')::int AS revision,
           jsonb_array_length(b.item->'events') AS n
      FROM jsonb_array_elements(p_batch) WITH ORDINALITY AS b(item, ord)
     ORDER BY b.item->>'streamId', b.ord
  LOOP
    BEGIN
      v_ids := ${s}.event_ids(v_item.events);
      SELECT * INTO v_result FROM ${s}.write_events(v_item.stream_id, v_item.events, v_ids, v_item.kind,
        v_item.revision, v_all[v_offset + 1 : v_offset + v_item.n]);
      v_wrote := v_wrote OR NOT v_result.duplicate;
      RETURN QUERY SELECT v_item.ord, v_result.positions, v_result.next_revision, v_result.duplicate, NULL::text, NULL::text;
    EXCEPTION WHEN SQLSTATE 'ESWER' OR SQLSTATE 'ESIDC' OR unique_violation THEN
      GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
      RETURN QUERY SELECT v_item.ord, NULL::bigint[], NULL::int, NULL::boolean, v_state, v_detail;
    END;
    v_offset := v_offset + v_item.n;
  END LOOP;
  IF v_wrote THEN
    PERFORM pg_notify('${notificationChannel(s)}', '');
  END IF;
END
$fn$;
`;
}
