//! The database's own checks: SQLite's b-trees, SQLCipher's page authentication, the search
//! index against its content, foreign keys, and that every visit is whole (its folded text and
//! its place in the search order). The crash and disk-full suites run them after every fault.

use crate::error::Result;
use crate::vault::Store;

impl Store {
    /// The schema as SQLite holds it, one "type name: SQL" line per table, index, trigger and
    /// view, sorted: a database migrated from an earlier version holds exactly what a new one
    /// does (`tests/tests/migrations.rs`).
    pub fn schema(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every problem found, empty when the database is whole. The texts name tables, pages
    /// and row ids, never a row's content.
    pub fn check_integrity(&self) -> Result<Vec<String>> {
        let mut problems: Vec<String> = self
            .strings("PRAGMA integrity_check")?
            .into_iter()
            .filter(|line| line != "ok")
            .collect();
        // SQLCipher lists the pages whose authentication fails; none is whole.
        problems.extend(
            self.strings("PRAGMA cipher_integrity_check")?
                .into_iter()
                .map(|p| format!("cipher: {p}")),
        );
        if let Err(e) = self
            .conn
            .execute_batch("INSERT INTO visit_fts (visit_fts) VALUES ('integrity-check')")
        {
            problems.push(format!("search index: {e}"));
        }
        let mut fk = self.conn.prepare("PRAGMA foreign_key_check")?;
        let broken = fk.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {} → {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?;
        for line in broken {
            problems.push(line?);
        }
        let unfolded: i64 = self.conn.query_row(
            "SELECT count(*) FROM visit v
             WHERE NOT EXISTS (SELECT 1 FROM visit_folded f WHERE f.visit_id = v.id)",
            [],
            |r| r.get(0),
        )?;
        if unfolded > 0 {
            problems.push(format!("{unfolded} visits without their search text"));
        }
        let misplaced: i64 = self.conn.query_row(
            "SELECT count(*) FROM visit_folded f
             JOIN visit v ON v.id = f.visit_id JOIN salon_session s ON s.id = v.session_id
             WHERE f.sort_key != -((CAST(julianday(s.date) AS INTEGER) << 32) | v.id)",
            [],
            |r| r.get(0),
        )?;
        if misplaced > 0 {
            problems.push(format!("{misplaced} visits out of the search order"));
        }
        Ok(problems)
    }

    fn strings(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
