-- Database roles of least privilege for a lab's PostgreSQL (PostgreSQL 15 or later). An administrator (a
-- superuser, such as postgres) runs it once in the lab's database, and again after a lottery upgrade; running it
-- twice changes nothing:
--   psql -v ON_ERROR_STOP=1 -d lottery -v coordinator_password=... -v trainer_password=... \
--        -v reader_password=... -f deploy/postgres/roles.sql
-- A password left out leaves that role's password as it was (none on the first run).
--
-- lottery_coordinator  nodes with the coordinator role: writes the journal and snapshots (Akka.Persistence.Sql
--                      creates and owns those tables at the first start), artifacts, leases and the running units'
--                      progress it publishes for serve (lottery_unit_progress).
-- lottery_trainer      trainer-only nodes, and clients that join the cluster (submit, resume, nodes, drain, cancel):
--                      artifacts and the lease table read and written (every member may have to take the downing
--                      lease), the journal read, never written.
-- lottery_reader       status, serve, compare, report, verify (without --repair) and export: SELECT only.
--
-- Who creates which table: the journal's tables (journal, snapshot, tags) are Akka.Persistence.Sql's, made by its
-- auto-initialize on the coordinator's first start, so only the coordinator may CREATE in the schema. The three tables
-- of lottery's own are made here, because PostgreSQL refuses even CREATE TABLE IF NOT EXISTS on an existing table to
-- a role without CREATE on the schema, and because privileges per table need the table: the nodes then find them
-- and skip their own CREATE. Their columns must stay those of PostgresArtifacts, LeaseTable and UnitProgressTable
-- (DatabaseRolesTests runs those classes on the tables made here).

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', name)
FROM unnest(ARRAY['lottery_coordinator', 'lottery_trainer', 'lottery_reader']) AS name
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec

\if :{?coordinator_password}
ALTER ROLE lottery_coordinator PASSWORD :'coordinator_password';
\endif
\if :{?trainer_password}
ALTER ROLE lottery_trainer PASSWORD :'trainer_password';
\endif
\if :{?reader_password}
ALTER ROLE lottery_reader PASSWORD :'reader_password';
\endif

-- PostgreSQL 15 already withholds CREATE on public from other roles; a database made by an older release did not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO lottery_coordinator, lottery_trainer, lottery_reader;
GRANT CREATE ON SCHEMA public TO lottery_coordinator;

CREATE TABLE IF NOT EXISTS lottery_artifacts (hash text PRIMARY KEY, content bytea NOT NULL);
CREATE TABLE IF NOT EXISTS lottery_leases (name text PRIMARY KEY, owner text NOT NULL,
  expires_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS lottery_unit_progress (search_id text NOT NULL, work_id text NOT NULL,
  publisher text NOT NULL, node text NOT NULL, unit text NOT NULL, round integer, kind text NOT NULL,
  iteration integer, total_iterations integer, examples_per_second double precision, stale_after_ms bigint NOT NULL,
  updated_ms bigint NOT NULL, PRIMARY KEY (search_id, work_id));

-- A journal made before these roles existed (by the one all-powerful role) passes to the coordinator, whose
-- auto-initialize must find tables it may use; a sequence owned by a column moves with its table.
SELECT format('ALTER TABLE %I OWNER TO lottery_coordinator', tablename)
FROM pg_tables
WHERE schemaname = 'public' AND tablename IN ('journal', 'snapshot', 'tags')
  AND tableowner <> 'lottery_coordinator' \gexec

-- Artifacts are only ever added or repaired in place (never deleted); leases are taken, renewed and released.
GRANT SELECT, INSERT, UPDATE ON lottery_artifacts TO lottery_coordinator, lottery_trainer;
GRANT SELECT, INSERT, UPDATE, DELETE ON lottery_leases TO lottery_coordinator, lottery_trainer;
-- Running units' progress: replaced by the coordinator every few seconds, read by serve (below); never journaled.
GRANT SELECT, INSERT, UPDATE, DELETE ON lottery_unit_progress TO lottery_coordinator;

-- Reading: every table there is now, and every table the coordinator makes later (the journal's, at its first start).
GRANT SELECT ON ALL TABLES IN SCHEMA public TO lottery_trainer, lottery_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE lottery_coordinator IN SCHEMA public
  GRANT SELECT ON TABLES TO lottery_trainer, lottery_reader;
