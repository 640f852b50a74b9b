//! Which dashboards an entity's annotations select.
//!
//! `grafana/dashboard-selector` holds an expression in the syntax of Backstage's Grafana plugin
//! (<https://github.com/K-Phoen/backstage-plugin-grafana/blob/main/docs/dashboards-on-component-page.md>):
//! `tags @> 'x'` (has the tag), `title == 'x'`, `title != 'x'`, `folderTitle == 'x'`,
//! joined by `&&` and `||`, with parentheses. `grafana/tag: x` (the older annotation) is
//! `tags @> 'x'`. Trellis finds candidates by Grafana's tag search, so every alternative must
//! name a tag; expressions are bounded (500 characters, 20 terms).

use trellis_shared::views::dashboards::DashboardRef;

/// The annotation of Backstage's Grafana plugin.
pub const SELECTOR: &str = "grafana/dashboard-selector";

/// Its older form: one tag.
pub const TAG: &str = "grafana/tag";

/// The longest expression read.
pub const MAX_LEN: usize = 500;

/// The most terms in one expression.
pub const MAX_TERMS: usize = 20;

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `tags @> 'x'`.
    Tag(String),
    /// `field == 'x'` (`title`, `folderTitle`).
    Is(Field, String),
    /// `field != 'x'`.
    IsNot(Field, String),
    /// Both.
    And(Box<Selector>, Box<Selector>),
    /// Either.
    Or(Box<Selector>, Box<Selector>),
}

/// A field compared by `==` and `!=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The dashboard's title.
    Title,
    /// Its folder's title.
    FolderTitle,
}

impl Selector {
    /// The selector in an entity's `grafana/dashboard-selector` or `grafana/tag` value.
    pub fn from_annotations(
        selector: Option<&str>,
        tag: Option<&str>,
    ) -> Option<Result<Self, String>> {
        match (
            selector.map(str::trim).filter(|s| !s.is_empty()),
            tag.map(str::trim),
        ) {
            (Some(s), _) => Some(parse(s)),
            (None, Some(t)) if !t.is_empty() => Some(check_tag(t).map(|t| Selector::Tag(t.into()))),
            _ => None,
        }
    }

    /// Whether `d` is selected.
    pub fn matches(&self, d: &DashboardRef) -> bool {
        let field = |f: &Field| match f {
            Field::Title => d.title.as_str(),
            Field::FolderTitle => d.folder.as_deref().unwrap_or_default(),
        };
        match self {
            Selector::Tag(t) => d.tags.iter().any(|x| x == t),
            Selector::Is(f, v) => field(f) == v,
            Selector::IsNot(f, v) => field(f) != v,
            Selector::And(a, b) => a.matches(d) && b.matches(d),
            Selector::Or(a, b) => a.matches(d) || b.matches(d),
        }
    }

    /// The tags whose dashboards include every one selected (searched in Grafana), or `None`
    /// when some alternative names no tag.
    pub fn tags(&self) -> Option<Vec<String>> {
        match self {
            Selector::Tag(t) => Some(vec![t.clone()]),
            Selector::Is(..) | Selector::IsNot(..) => None,
            Selector::And(a, b) => match (a.tags(), b.tags()) {
                (Some(x), Some(y)) => Some(if x.len() <= y.len() { x } else { y }),
                (x, y) => x.or(y),
            },
            Selector::Or(a, b) => {
                let mut x = a.tags()?;
                x.extend(b.tags()?);
                x.sort();
                x.dedup();
                Some(x)
            }
        }
    }
}

fn check_tag(t: &str) -> Result<&str, String> {
    if t.len() > 100 || t.chars().any(char::is_control) {
        return Err(format!(
            "{TAG}: a tag is at most 100 characters, without control characters"
        ));
    }
    Ok(t)
}

/// Parses an expression; the error says where it went wrong.
pub fn parse(text: &str) -> Result<Selector, String> {
    if text.len() > MAX_LEN {
        return Err(format!("{SELECTOR}: longer than {MAX_LEN} characters"));
    }
    let tokens = lex(text)?;
    if tokens.iter().filter(|t| matches!(t, Tok::Str(_))).count() > MAX_TERMS {
        return Err(format!("{SELECTOR}: more than {MAX_TERMS} terms"));
    }
    let mut p = Parser { tokens, at: 0 };
    let s = p.or()?;
    match p.tokens.get(p.at) {
        None => Ok(s),
        Some(t) => Err(format!("{SELECTOR}: unexpected {} in '{text}'", t.shown())),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Op(&'static str),
}

impl Tok {
    fn shown(&self) -> String {
        match self {
            Tok::Word(w) => format!("'{w}'"),
            Tok::Str(s) => format!("the string '{s}'"),
            Tok::Op(o) => format!("'{o}'"),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Tok::Op("(")),
            ')' => out.push(Tok::Op(")")),
            '\'' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, c)) => s.push(c),
                        None => {
                            return Err(format!("{SELECTOR}: a string opened at {i} is not closed"))
                        }
                    }
                }
                check_tag(&s)?;
                out.push(Tok::Str(s));
            }
            c if c.is_ascii_alphabetic() => {
                let mut w = String::from(c);
                while let Some((_, c)) = chars.next_if(|(_, c)| c.is_ascii_alphanumeric()) {
                    w.push(c);
                }
                out.push(Tok::Word(w));
            }
            _ => {
                let rest = &text[i..];
                let op = ["&&", "||", "@>", "==", "!="]
                    .into_iter()
                    .find(|op| rest.starts_with(op))
                    .ok_or_else(|| format!("{SELECTOR}: unexpected '{c}' at {i}"))?;
                chars.next();
                out.push(Tok::Op(op));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn eat(&mut self, op: &'static str) -> bool {
        let hit = self.tokens.get(self.at) == Some(&Tok::Op(op));
        if hit {
            self.at += 1;
        }
        hit
    }

    fn or(&mut self) -> Result<Selector, String> {
        let mut s = self.and()?;
        while self.eat("||") {
            s = Selector::Or(Box::new(s), Box::new(self.and()?));
        }
        Ok(s)
    }

    fn and(&mut self) -> Result<Selector, String> {
        let mut s = self.term()?;
        while self.eat("&&") {
            s = Selector::And(Box::new(s), Box::new(self.term()?));
        }
        Ok(s)
    }

    fn term(&mut self) -> Result<Selector, String> {
        let end = || format!("{SELECTOR}: the expression ends too early");
        match self.next().ok_or_else(end)? {
            Tok::Op("(") => {
                let s = self.or()?;
                if !self.eat(")") {
                    return Err(format!("{SELECTOR}: a '(' is not closed"));
                }
                Ok(s)
            }
            Tok::Word(w) => {
                let op = self.next().ok_or_else(end)?;
                let Some(Tok::Str(v)) = self.next() else {
                    return Err(format!(
                        "{SELECTOR}: '{w}' must be compared with a 'quoted' value"
                    ));
                };
                let field = match w.as_str() {
                    "title" => Some(Field::Title),
                    "folderTitle" => Some(Field::FolderTitle),
                    _ => None,
                };
                let shown = op.shown();
                match (w.as_str(), op, field) {
                    ("tags", Tok::Op("@>"), _) => Ok(Selector::Tag(v)),
                    (_, Tok::Op("=="), Some(f)) => Ok(Selector::Is(f, v)),
                    (_, Tok::Op("!="), Some(f)) => Ok(Selector::IsNot(f, v)),
                    _ => Err(format!(
                        "{SELECTOR}: '{w} {}' is not supported (tags @>, title or folderTitle == and !=)",
                        shown.trim_matches('\'')
                    )),
                }
            }
            t => Err(format!("{SELECTOR}: unexpected {}", t.shown())),
        }
    }
}
