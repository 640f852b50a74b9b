//! Loading many text rows into a table inside a transaction: multi-row `INSERT`s on SQLite,
//! `COPY ... FROM STDIN` on PostgreSQL (several times faster there than bound inserts); and
//! running plain statements with text binds, so the apply is written once for both backends.

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

    /// Runs `sql` with `binds` (text parameters `$1`, `$2`, ... in order).
    fn exec<'a>(
        &'a mut self,
        sql: &'a str,
        binds: &'a [&'a str],
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'a;

    /// Deletes from `catalog.<table>` the rows whose `column` is one of `values`.
    fn delete_in<'a>(
        &'a mut self,
        table: &'a str,
        column: &'a str,
        values: &'a [&'a str],
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'a
    where
        Self: Send,
    {
        async move {
            let mut deleted = 0;
            for chunk in values.chunks(500) {
                let list = (1..=chunk.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!("DELETE FROM catalog.{table} WHERE {column} IN ({list})");
                deleted += self.exec(&sql, chunk).await?;
            }
            Ok(deleted)
        }
    }
}

/// Inserts search rows.
pub(super) async fn load_search<T: Load + Send>(
    tx: &mut T,
    rows: &[super::write::EntitySearchRow],
) -> Result<(), sqlx::Error> {
    let columns = ["entity_ref", "key", "value", "original_value"];
    load_in_slices(
        tx,
        "search",
        &columns,
        rows,
        |(entity_ref, (key, value, original))| {
            vec![
                Some(&**entity_ref),
                Some(key.as_str()),
                value.as_deref(),
                original.as_deref(),
            ]
        },
    )
    .await
}

/// Inserts relations.
pub(super) async fn load_relations<T: Load + Send>(
    tx: &mut T,
    rows: &[super::write::RelationRow],
) -> Result<(), sqlx::Error> {
    let columns = ["source_ref", "type", "target_ref", "emitted_by"];
    load_in_slices(
        tx,
        "relations",
        &columns,
        rows,
        |(source, kind, target, emitted_by)| {
            vec![
                Some(source.as_str()),
                Some(*kind),
                Some(target.as_str()),
                Some(&**emitted_by),
            ]
        },
    )
    .await
}

/// Inserts `rows` as `text` turns them into columns, converted in slices, so a bulk load's held
/// rows are not copied all at once.
async fn load_in_slices<T: Load + Send, R: Sync>(
    tx: &mut T,
    table: &str,
    columns: &[&str],
    rows: &[R],
    text: fn(&R) -> TextRow<'_>,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(20_000) {
        let text: Vec<TextRow> = chunk.iter().map(text).collect();
        tx.load(table, columns, &text).await?;
    }
    Ok(())
}

/// Implements [`Load::exec`] for one backend's transaction.
macro_rules! exec_impl {
    () => {
        fn exec<'a>(
            &'a mut self,
            sql: &'a str,
            binds: &'a [&'a str],
        ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'a {
            async move {
                let mut query = sqlx::query(sql);
                for value in binds {
                    query = query.bind(*value);
                }
                Ok(query.execute(&mut **self).await?.rows_affected())
            }
        }
    };
}

// The trait spells out `+ Send` on the returned future (the refresh runs on a spawned task), so
// the impls keep the explicit form.
#[allow(clippy::manual_async_fn)]
impl Load for Transaction<'_, Sqlite> {
    exec_impl!();

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
    exec_impl!();

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
    if !value
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        buf.push_str(value);
        return;
    }
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
        super::escape_into(&mut buf, "|plain ünïcode");
        assert_eq!(buf, "a\\tb\\nc\\\\d\\re|plain ünïcode");
    }
}
