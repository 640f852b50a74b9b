//! Loading many text rows into a table inside a transaction: multi-row `INSERT`s on SQLite,
//! `COPY ... FROM STDIN` on PostgreSQL (several times faster there than bound inserts).

use std::future::Future;

use sqlx::{Postgres, Sqlite, Transaction};

/// Rows of text columns (`None` is SQL NULL).
pub(super) type TextRow<'a> = Vec<Option<&'a str>>;

/// A transaction that can load rows into a `catalog` table.
pub(super) trait Load {
    /// Inserts `rows` into `catalog.<table> (<columns>)`.
    fn load<'a>(
        &'a mut self,
        table: &'a str,
        columns: &'a [&'a str],
        rows: &'a [TextRow<'a>],
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'a;
}

// The trait spells out `+ Send` on the returned future (the refresh runs on a spawned task), so
// the impls keep the explicit form.
#[allow(clippy::manual_async_fn)]
impl Load for Transaction<'_, Sqlite> {
    fn load<'a>(
        &'a mut self,
        table: &'a str,
        columns: &'a [&'a str],
        rows: &'a [TextRow<'a>],
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'a {
        async move {
            let per_statement = (4000 / columns.len().max(1)).max(1);
            for chunk in rows.chunks(per_statement) {
                let mut qb = sqlx::QueryBuilder::new(format!(
                    "INSERT INTO catalog.{table} ({}) ",
                    columns.join(", ")
                ));
                qb.push_values(chunk, |mut b, row| {
                    for value in row {
                        b.push_bind(*value);
                    }
                });
                qb.build().execute(&mut **self).await?;
            }
            Ok(())
        }
    }
}

#[allow(clippy::manual_async_fn)]
impl Load for Transaction<'_, Postgres> {
    fn load<'a>(
        &'a mut self,
        table: &'a str,
        columns: &'a [&'a str],
        rows: &'a [TextRow<'a>],
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'a {
        async move {
            if rows.is_empty() {
                return Ok(());
            }
            let sql = format!("COPY catalog.{table} ({}) FROM STDIN", columns.join(", "));
            let mut copy = self.copy_in_raw(&sql).await?;
            let mut buf = String::with_capacity(1 << 20);
            for row in rows {
                for (i, value) in row.iter().enumerate() {
                    if i > 0 {
                        buf.push('\t');
                    }
                    match value {
                        Some(v) => escape_into(&mut buf, v),
                        None => buf.push_str("\\N"),
                    }
                }
                buf.push('\n');
                if buf.len() > (1 << 20) {
                    copy.send(buf.as_bytes()).await?;
                    buf.clear();
                }
            }
            copy.send(buf.as_bytes()).await?;
            copy.finish().await?;
            Ok(())
        }
    }
}

/// COPY text format: backslash, tab, newline and carriage return are escaped.
fn escape_into(buf: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            other => buf.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_text_escapes_separators() {
        let mut buf = String::new();
        super::escape_into(&mut buf, "a\tb\nc\\d\re");
        assert_eq!(buf, "a\\tb\\nc\\\\d\\re");
    }
}
