/** One step of the audit schema; applied once, in version order, and never edited afterwards. */
export interface AuditMigration {
  version: number;
  sql: string;
}

/**
 * Migrations of the PostgreSQL audit schema. Text columns are `text COLLATE "C"` so that
 * equality and ordering compare bytes, as SQLite does.
 *
 * The triggers raise on UPDATE, DELETE and TRUNCATE, so the application cannot change entries by
 * mistake. The table owner or a superuser can still disable them (ALTER TABLE ... DISABLE TRIGGER);
 * `verify` detects what is changed that way.
 */
export function auditMigrations(schema: string): AuditMigration[] {
  const table = `"${schema}".entries`;

  return [
    {
      version: 1,
      sql: `
        CREATE TABLE ${table} (
          sequence bigint PRIMARY KEY CHECK (sequence >= 1),
          id text COLLATE "C" NOT NULL UNIQUE,
          time_ms bigint NOT NULL,
          action text COLLATE "C" NOT NULL,
          actor_kind text COLLATE "C" NOT NULL,
          actor_subject text COLLATE "C" NOT NULL,
          actor_tenant text COLLATE "C",
          actor_roles text COLLATE "C" NOT NULL,
          target_tenant text COLLATE "C",
          resource_type text COLLATE "C" NOT NULL,
          resource_id text COLLATE "C",
          outcome text COLLATE "C" NOT NULL,
          details text COLLATE "C" NOT NULL,
          prev_hash text COLLATE "C" NOT NULL,
          hash text COLLATE "C" NOT NULL
        );
        CREATE INDEX entries_by_target_tenant ON ${table} (target_tenant, sequence);
        CREATE INDEX entries_by_actor_subject ON ${table} (actor_subject, sequence);
        CREATE INDEX entries_by_action ON ${table} (action, sequence);
        CREATE INDEX entries_by_time ON ${table} (time_ms);
        CREATE FUNCTION "${schema}".reject_entry_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit log entries are append-only: % is not allowed', TG_OP
            USING HINT = 'append a new entry that records the correction instead';
        END
        $$;
        CREATE TRIGGER entries_reject_change BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION "${schema}".reject_entry_change();
        CREATE TRIGGER entries_reject_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".reject_entry_change();
      `,
    },
  ];
}
