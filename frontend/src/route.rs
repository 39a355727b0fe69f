//! Every page of the panel as a value: parsed from the address (the path below the base path, still
//! percent-encoded) and turned back into the href that shows it. The one place that knows the paths.

use model::id::{decode_percent, encode_segment};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Audit,
    Account,
    Users,
    Tokens,
    PhoneUsers,
    NewPhoneUser,
    Import,
    Templates,
    /// Importing an existing pjsip.conf (admins): the plan.
    ConfigImport,
    /// The servers of the fleet and the changes waiting for them.
    Servers,
    /// Drift on one server: `None` for the command line's (`default`).
    Drift(Option<String>),
    /// A type's objects, by the type's name as the path has it (an unknown name gets a page saying so).
    Type(String),
    /// One object: its type's name and its id, decoded from the raw path. Not through decodeURI, which
    /// leaves `%2F` and `%23` encoded but decodes `%25`, so ids with `/`, `#` or `%` would come out wrong.
    Object(String, String),
    NotFound,
}

impl Route {
    pub fn parse(path: &str) -> Route {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segs: Vec<&str> = path.trim_start_matches('/').splitn(3, '/').collect();
        match segs.as_slice() {
            [""] => Route::Home,
            ["audit"] => Route::Audit,
            ["account"] => Route::Account,
            ["users"] => Route::Users,
            ["tokens"] => Route::Tokens,
            ["phone-users"] => Route::PhoneUsers,
            ["phone-users", "new"] => Route::NewPhoneUser,
            ["phone-users", "import"] => Route::Import,
            ["templates"] => Route::Templates,
            ["config-import"] => Route::ConfigImport,
            ["fleet"] => Route::Servers,
            ["drift"] => Route::Drift(None),
            ["drift", server] if !server.is_empty() => Route::Drift(Some(
                String::from_utf8_lossy(&decode_percent(server)).into_owned(),
            )),
            ["objects", t] if !t.is_empty() => Route::Type(t.to_string()),
            ["objects", t, id] if !t.is_empty() && !id.is_empty() => Route::Object(
                t.to_string(),
                String::from_utf8_lossy(&decode_percent(id)).into_owned(),
            ),
            _ => Route::NotFound,
        }
    }

    /// The path that shows this page, below the base path (`api::url` adds the base).
    pub fn href(&self) -> String {
        match self {
            Route::Home | Route::NotFound => "/".into(),
            Route::Audit => "/audit".into(),
            Route::Account => "/account".into(),
            Route::Users => "/users".into(),
            Route::Tokens => "/tokens".into(),
            Route::PhoneUsers => "/phone-users".into(),
            Route::NewPhoneUser => "/phone-users/new".into(),
            Route::Import => "/phone-users/import".into(),
            Route::Templates => "/templates".into(),
            Route::ConfigImport => "/config-import".into(),
            Route::Servers => "/fleet".into(),
            Route::Drift(None) => "/drift".into(),
            Route::Drift(Some(s)) => format!("/drift/{}", encode_segment(s)),
            Route::Type(t) => format!("/objects/{t}"),
            Route::Object(t, id) => format!("/objects/{t}/{}", encode_segment(id)),
        }
    }

    /// Whether both routes are shown by the same page (with other parameters, perhaps).
    pub fn same_page(&self, other: &Route) -> bool {
        match (self, other) {
            // The drift page compares one server, chosen when it opens.
            (Route::Drift(a), Route::Drift(b)) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }

    /// The page of an object of a known type.
    pub fn object(ty: model::ObjectType, id: &str) -> Route {
        Route::Object(ty.as_str().to_string(), id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_parses_back_from_its_href() {
        for r in [
            Route::Home,
            Route::Audit,
            Route::Account,
            Route::Users,
            Route::Tokens,
            Route::PhoneUsers,
            Route::NewPhoneUser,
            Route::Import,
            Route::Templates,
            Route::ConfigImport,
            Route::Servers,
            Route::Drift(None),
            Route::Drift(Some("site-b".into())),
            Route::Type("identify".into()),
            Route::Object("identify".into(), "203.0.113.5".into()),
            Route::Object("aor".into(), "a/b#c%d e".into()),
        ] {
            assert_eq!(Route::parse(&r.href()), r, "{}", r.href());
        }
        assert_eq!(
            Route::parse("/objects/aor/a%2Fb%2523?compact"),
            Route::Object("aor".into(), "a/b%23".into())
        );
        assert_eq!(Route::parse("/nope/x"), Route::NotFound);
        assert!(Route::parse("/objects/aor/a").same_page(&Route::parse("/objects/aor/b")));
        assert!(!Route::parse("/objects/aor").same_page(&Route::parse("/objects/aor/b")));
        assert_eq!(Route::parse("/objects/"), Route::NotFound);
    }
}
