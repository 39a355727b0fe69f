//! The tests' one client of Conjure's API, over a real socket as a script or the panel would use it:
//! who it is (Basic, a token, or nobody) is set once, and each request is one line. Answers come back
//! as [`Reply`]: the status, the text, and the text read as JSON when it is JSON.

use serde_json::Value;

/// How the client proves who it is.
#[derive(Clone, Debug)]
enum Credentials {
    Nobody,
    Basic(String, String),
    Bearer(String),
}

/// A client of one Conjure, as one user.
#[derive(Clone, Debug)]
pub struct Panel {
    /// Conjure's base URL (`http://127.0.0.1:port`, with its base path if it has one).
    pub url: String,
    http: reqwest::Client,
    who: Credentials,
}

/// One answer.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body read as JSON, or the text as a JSON string when it is not JSON.
    pub json: Value,
    /// The body as text.
    pub text: String,
    /// The answer's headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The status and the JSON, for `let (status, body) = …`.
    pub fn parts(self) -> (u16, Value) {
        (self.status, self.json)
    }
}

impl Panel {
    /// A client of the Conjure at `url` that signs every request in as `admin` with `password`.
    pub fn admin(url: impl Into<String>, password: &str) -> Panel {
        Panel::anonymous(url).basic("admin", password)
    }

    /// A client that sends no credentials.
    pub fn anonymous(url: impl Into<String>) -> Panel {
        Panel {
            url: url.into(),
            http: reqwest::Client::new(),
            who: Credentials::Nobody,
        }
    }

    /// The same Conjure, with no credentials.
    pub fn anonymous_like(&self) -> Panel {
        Panel {
            who: Credentials::Nobody,
            ..self.clone()
        }
    }

    /// The same Conjure, as `user` with `password` (Basic).
    pub fn basic(&self, user: &str, password: &str) -> Panel {
        Panel {
            who: Credentials::Basic(user.into(), password.into()),
            ..self.clone()
        }
    }

    /// The same Conjure, with an API token.
    pub fn bearer(&self, token: &str) -> Panel {
        Panel {
            who: Credentials::Bearer(token.into()),
            ..self.clone()
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send("PUT", path, Some(body)).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send("POST", path, Some(body)).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send("PATCH", path, Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Reply {
        self.send("DELETE", path, None).await
    }

    /// `method path`, with `body` as JSON when there is one.
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let body = body.map(|b| ("application/json", b.to_string()));
        self.raw(method, path, body).await
    }

    /// `POST path` with a spreadsheet as the body (`text/csv`).
    pub async fn post_csv(&self, path: &str, csv: &str) -> Reply {
        self.raw("POST", path, Some(("text/csv", csv.to_string())))
            .await
    }

    /// `method path` with a body of any content type, as it is.
    pub async fn raw(&self, method: &str, path: &str, body: Option<(&str, String)>) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        req = match &self.who {
            Credentials::Nobody => req,
            Credentials::Basic(user, pw) => req.basic_auth(user, Some(pw)),
            Credentials::Bearer(t) => req.bearer_auth(t),
        };
        if let Some((content_type, body)) = body {
            req = req.header("content-type", content_type).body(body);
        }
        let r = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("Conjure at {} did not answer: {e}", self.url));
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("the answer's body");
        Reply {
            status,
            json: serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone())),
            text,
            headers,
        }
    }
}
