//! Checking an import against Asterisk and applying it: rows go to Asterisk with bounded concurrency, the
//! progress is published for server-sent events, a cancel stops before the next row, and every row's
//! outcome can be downloaded.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use model::provision::{ImportCheck, NewPhoneUser, RowIssue, Template};

use super::import::Parsed;
pub use super::running::{Job, Jobs, KEPT, RESULTS_KEPT, RowResult};
use crate::audit::Who;
use crate::domain::Domain;

/// How a valid row stands against Asterisk and earlier imports.
enum Standing {
    Free,
    /// This row's user exists exactly as the row says: an earlier run made it.
    Done,
    Taken(String),
}

async fn standing(
    st: &Domain,
    u: &NewPhoneUser,
    target: Option<&[String]>,
) -> Result<Standing, String> {
    if let Ok(Some(existing)) = st.store.phone_user(&u.extension).await {
        return Ok(if existing.name == u.name.trim() {
            Standing::Done
        } else {
            Standing::Taken(format!(
                "The phone user {} exists already, named '{}'.",
                u.extension, existing.name
            ))
        });
    }
    match super::taken(st, &u.extension, target).await {
        Ok(None) => Ok(Standing::Free),
        Ok(Some(why)) => Ok(Standing::Taken(why)),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs `f` over `items` with at most `limit` at a time, in no particular order.
async fn bounded<T: Send + 'static, R: Send + 'static, F, Fut>(
    items: Vec<T>,
    limit: usize,
    f: F,
) -> Vec<R>
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<R>> + Send,
{
    let queue = Arc::new(Mutex::new(VecDeque::from(items)));
    let f = Arc::new(f);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..limit.max(1) {
        let (queue, f) = (queue.clone(), f.clone());
        workers.spawn(async move {
            let mut out = Vec::new();
            loop {
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
                let Some(item) = next else { break };
                if let Some(r) = f(item).await {
                    out.push(r);
                }
            }
            out
        });
    }
    let mut all = Vec::new();
    while let Some(r) = workers.join_next().await {
        match r {
            Ok(rows) => all.extend(rows),
            // Cancelled: the runtime is shutting down. A panic is a bug, reported where it happened.
            Err(e) if e.is_panic() => tracing::error!("an import worker panicked"),
            Err(_) => {}
        }
    }
    all
}

/// The dry run: every row checked against the rules (already done by the parser) and against Asterisk.
pub async fn check(st: &Domain, parsed: Parsed, target: Option<&[String]>) -> ImportCheck {
    let st2 = st.clone();
    let target: Option<Arc<[String]>> = target.map(Into::into);
    let outcomes = bounded(
        parsed.rows,
        st.provision_concurrency,
        move |(line, u): (usize, NewPhoneUser)| {
            let (st, target) = (st2.clone(), target.clone());
            async move {
                let standing = standing(&st, &u, target.as_deref()).await;
                Some((line, u.extension.clone(), standing))
            }
        },
    )
    .await;
    let mut report = ImportCheck {
        rows: parsed.total,
        notes: parsed.notes,
        errors: parsed.errors,
        ..Default::default()
    };
    for (line, ext, s) in outcomes {
        match s {
            Ok(Standing::Free) => report.ready += 1,
            Ok(Standing::Done) => report.done_before += 1,
            Ok(Standing::Taken(why)) => report.errors.push(RowIssue {
                line,
                column: Some("extension".into()),
                message: why,
            }),
            Err(e) => report.errors.push(RowIssue {
                line,
                column: None,
                message: format!("Cannot check {ext}: {e}"),
            }),
        }
    }
    report.errors.sort_by_key(|e| e.line);
    report
}

/// Starts applying a file; the rows the check refused are reported as not imported right away.
/// `target`: where the users' objects go (`None`: every server; checked by the caller).
pub fn apply(st: &Domain, parsed: Parsed, who: Who, target: Option<Vec<String>>) -> Option<u64> {
    let (id, job) = st.jobs.add(parsed.total, &who.actor)?;
    // One result per refused row, with every problem the check found in it.
    let refused: Vec<RowResult> = parsed
        .refused
        .iter()
        .map(|(line, extension)| RowResult {
            line: *line,
            extension: extension.clone(),
            result: "not imported",
            message: parsed
                .errors
                .iter()
                .filter(|e| e.line == *line)
                .map(|e| match &e.column {
                    Some(c) => format!("{c}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            password: None,
            server: String::new(),
            transport: String::new(),
        })
        .collect();
    job.progress.send_modify(|p| p.not_imported = refused.len());
    job.results
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .extend(refused);
    let st = st.clone();
    tokio::spawn(async move {
        let templates: HashMap<String, Template> = match st.store.templates().await {
            Ok(t) => t.into_iter().map(|t| (t.name.clone(), t)).collect(),
            Err(e) => {
                tracing::error!(%e, "import cannot read the templates");
                HashMap::new()
            }
        };
        let (st2, job2, templates) = (st.clone(), job.clone(), Arc::new(templates));
        let target: Option<Arc<[String]>> = target.map(Into::into);
        bounded(
            parsed.rows,
            st.provision_concurrency,
            move |(line, u): (usize, NewPhoneUser)| {
                let (st, job, templates, who, target) = (
                    st2.clone(),
                    job2.clone(),
                    templates.clone(),
                    who.clone(),
                    target.clone(),
                );
                async move {
                    let r = row(&st, &job, &templates, line, u, &who, target.as_deref()).await;
                    job.progress.send_modify(|p| match r.result {
                        "created" => p.created += 1,
                        "skipped" | "not attempted" => p.skipped += 1,
                        _ => p.failed += 1,
                    });
                    job.results
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(r);
                    None::<()>
                }
            },
        )
        .await;
        job.results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .sort_by_key(|r| r.line);
        let cancelled = job.cancel.load(Ordering::Relaxed);
        job.finish(st.clock.now());
        job.progress.send_modify(|p| {
            p.finished = true;
            p.cancelled = cancelled;
        });
        // The generated passwords leave memory an hour later even if nobody asks for the results again.
        tokio::spawn({
            let job = job.clone();
            async move {
                tokio::time::sleep(RESULTS_KEPT).await;
                job.keep_results(st.clock.now());
            }
        });
        let p = job.progress.borrow().clone();
        tracing::info!(
            id,
            created = p.created,
            skipped = p.skipped,
            failed = p.failed,
            not_imported = p.not_imported,
            cancelled,
            "import finished"
        );
    });
    Some(id)
}

async fn row(
    st: &Domain,
    job: &Job,
    templates: &HashMap<String, Template>,
    line: usize,
    u: NewPhoneUser,
    who: &Who,
    target: Option<&[String]>,
) -> RowResult {
    let mut r = RowResult {
        line,
        extension: u.extension.clone(),
        result: "failed",
        message: String::new(),
        password: None,
        server: String::new(),
        transport: String::new(),
    };
    if job.cancel.load(Ordering::Relaxed) {
        r.result = "not attempted";
        r.message = "The import was cancelled before this row.".into();
        return r;
    }
    match standing(st, &u, target).await {
        Ok(Standing::Free) => {}
        Ok(Standing::Done) => {
            r.result = "skipped";
            r.message = "Already done by an earlier import.".into();
            return r;
        }
        Ok(Standing::Taken(why)) => {
            r.message = why;
            return r;
        }
        Err(e) => {
            r.message = e;
            return r;
        }
    }
    let name = if u.template.is_empty() {
        super::templates::DEFAULT
    } else {
        &u.template
    };
    let Some(t) = templates.get(name) else {
        r.message = format!("There is no template '{name}'.");
        return r;
    };
    match super::create_checked(st, &u, t, who, target).await {
        Ok(setup) => {
            r.result = "created";
            r.message = "Created auth, aor and endpoint.".into();
            r.password = setup.password;
            r.server = setup
                .server
                .unwrap_or_else(|| "not set (--sip-server)".into());
            r.transport = setup.transport;
        }
        Err(e) => r.message = e.to_string(),
    }
    r
}

/// The per-row results as CSV (what a person opens in a spreadsheet), with what each phone needs.
/// `None` once they have expired.
pub fn results_csv(job: &Job, now: Instant) -> Option<Vec<u8>> {
    if !job.keep_results(now) {
        return None;
    }
    let header = [
        "line",
        "extension",
        "result",
        "message",
        "generated password",
        "sip server",
        "transport",
    ];
    let results = job.results.lock().unwrap_or_else(|p| p.into_inner());
    let rows = results.iter().map(|r| {
        [
            r.line.to_string(),
            r.extension.clone(),
            r.result.to_string(),
            r.message.clone(),
            r.password.as_ref().map_or("", |p| p.expose()).to_string(),
            r.server.clone(),
            r.transport.clone(),
        ]
    });
    Some(crate::spreadsheet::table(&header, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn results_and_their_passwords_are_gone_an_hour_after_the_end() {
        let jobs = Jobs::default();
        let (_, job) = jobs.add(1, "olga").unwrap();
        job.results.lock().unwrap().push(RowResult {
            line: 2,
            extension: "2041".into(),
            result: "created",
            message: String::new(),
            password: Some("generated-pw-123".into()),
            server: String::new(),
            transport: String::new(),
        });
        let t0 = Instant::now();
        // Running imports keep their results however long they take.
        assert!(results_csv(&job, t0 + RESULTS_KEPT * 2).is_some());
        job.finish(t0);
        let fresh = results_csv(&job, t0 + RESULTS_KEPT - Duration::from_secs(1)).unwrap();
        assert!(
            String::from_utf8(fresh)
                .unwrap()
                .contains("generated-pw-123")
        );
        assert!(results_csv(&job, t0 + RESULTS_KEPT).is_none());
        assert!(job.results.lock().unwrap().is_empty());
        assert!(results_csv(&job, t0).is_none(), "expired results stay gone");
    }

    #[test]
    fn new_imports_never_push_out_a_running_one() {
        let jobs = Jobs::default();
        let running: Vec<_> = (0..KEPT).map(|_| jobs.add(1, "olga").unwrap()).collect();
        assert!(
            jobs.add(1, "mallory").is_none(),
            "every kept import still runs"
        );
        running[3].1.finish(Instant::now());
        let (id, _) = jobs.add(1, "mallory").unwrap();
        assert!(
            jobs.get(running[3].0).is_none(),
            "the finished one made room"
        );
        assert!(jobs.get(running[0].0).is_some() && jobs.get(id).is_some());
    }
}
