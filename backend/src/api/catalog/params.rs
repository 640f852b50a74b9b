//! Query-string parsing for the catalog API: repeated parameters (`filter=a&filter=b`) kept in
//! order, unknown parameters refused by name (as Backstage's OpenAPI validation does), and typed
//! readers whose errors name the parameter; and how the parameters shared by several operations
//! are documented.

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;
use trellis_catalog::store::Cursor;
use trellis_shared::catalog::query::{EntityQuery, Filter, FullText, OrderField};

use crate::error::AppError;

/// Decoded `name=value` pairs of the query string.
#[derive(Debug, Default)]
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::input(e.to_string()))?;
        let pairs = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Ok(Params(pairs))
    }
}

impl Params {
    /// Refuses any parameter not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<&Self, AppError> {
        match self.0.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            Some((k, _)) => Err(AppError::input(format!(
                "unknown query parameter '{k}'; allowed: {}",
                allowed.join(", ")
            ))),
            None => Ok(self),
        }
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of a parameter given at most once.
    pub fn one(&self, name: &str) -> Result<Option<&str>, AppError> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [v] => Ok(Some(v)),
            _ => Err(AppError::input(format!(
                "query parameter '{name}' may be given only once"
            ))),
        }
    }

    /// A non-negative integer parameter.
    pub fn number(&self, name: &str) -> Result<Option<usize>, AppError> {
        self.one(name)?
            .map(|v| {
                v.trim().parse::<usize>().map_err(|_| {
                    AppError::input(format!(
                        "query parameter '{name}' must be a non-negative integer, got '{v}'"
                    ))
                })
            })
            .transpose()
    }

    /// `filter` parameters as a filter.
    pub fn filter(&self) -> Result<Filter, AppError> {
        Filter::parse(&self.all("filter"))
            .map_err(|e| AppError::input(format!("query parameter 'filter': {e}")))
    }

    /// `fields`, comma-separated and/or repeated; array paths are refused.
    pub fn fields(&self) -> Result<Vec<String>, AppError> {
        let mut out: Vec<String> = Vec::new();
        for f in self.all("fields").iter().flat_map(|v| v.split(',')) {
            let f = f.trim();
            if f.is_empty() || out.iter().any(|o| o == f) {
                continue;
            }
            if f.contains('[') {
                return Err(AppError::input(format!(
                    "query parameter 'fields': invalid field \"{f}\", array type fields are not supported"
                )));
            }
            out.push(f.to_string());
        }
        Ok(out)
    }

    /// The whole by-query request: filter, order, full text.
    pub fn entity_query(&self) -> Result<EntityQuery, AppError> {
        let order = self
            .all("orderField")
            .into_iter()
            .map(|o| {
                OrderField::parse(o)
                    .map_err(|e| AppError::input(format!("query parameter 'orderField': {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let term = self.one("fullTextFilterTerm")?.map(str::trim).unwrap_or("");
        let full_text = (!term.is_empty()).then(|| FullText {
            term: term.to_lowercase(),
            fields: self
                .all("fullTextFilterFields")
                .iter()
                .flat_map(|v| v.split(','))
                .map(|f| f.trim().to_lowercase())
                .filter(|f| !f.is_empty())
                .collect(),
        });
        Ok(EntityQuery {
            filter: self.filter()?,
            order,
            full_text,
            predicate: None,
            scope: None,
        })
    }

    /// `cursor`, decoded.
    pub fn cursor(&self) -> Result<Option<Cursor>, AppError> {
        self.one("cursor")?
            .map(|c| {
                Cursor::decode(c)
                    .map_err(|e| AppError::input(format!("query parameter 'cursor': {e}")))
            })
            .transpose()
    }
}

/// The `filter` parameter, as the operations that read it document it ([`Params`] parses it).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterParam {
    /// Which entities. One `filter` value is a comma-separated list of conditions that must all
    /// hold: `key=value` (the field has that value; for a field holding a list, one of its
    /// items), or `key` alone (the field exists). The same key twice in one value matches
    /// either value. Repeated `filter` parameters are alternatives (OR).
    /// `relations.<type>=<ref>` matches entities with a relation of that type to the entity ref
    /// (for example `relations.ownedBy=group:default/team-a`). Keys and values compare
    /// case-insensitively; an empty key or an empty value is a 400. No filter matches every
    /// entity.
    #[param(style = Form, explode, example = json!(["kind=component,spec.type=service"]))]
    pub filter: Option<Vec<String>>,
}

/// The `fields` parameter ([`Params::fields`] parses it).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FieldsParam {
    /// Dotted paths of the parts of each entity to return (comma-separated and/or repeated),
    /// e.g. `kind,metadata.name`; paths an entity lacks are left out. Array paths (containing
    /// `[`) are a 400. Without `fields` whole entities are returned.
    #[param(style = Form, explode, example = json!(["kind,metadata.name"]))]
    pub fields: Option<Vec<String>>,
}

/// An entity's kind, namespace and name in a path.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntityNamePath {
    /// Entity kind, e.g. `component` (case-insensitive).
    pub kind: String,
    /// Entity namespace, e.g. `default` (case-insensitive).
    pub namespace: String,
    /// Entity name (case-insensitive).
    pub name: String,
}
