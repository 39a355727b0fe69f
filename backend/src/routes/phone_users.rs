//! `/api/phone-users`, `/api/templates` and `/api/imports`: provisioning for people who think in
//! extensions and names, not in SIP objects.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use model::ObjectType;
use model::account::Role;
use model::provision::{
    ImportCheck, ImportProgress, ImportStarted, NewPhoneUser, PHONE_USERS_PER_PAGE, PhoneSetup,
    PhoneUser, PhoneUserChange, PhoneUserPage, PhoneUserSort, Template,
};

use super::api::split_target;
use super::json::AppJson;
use crate::audit;
use crate::auth::Principal;
use crate::error::AppError;
use crate::provision::{self, import, jobs, templates};
use crate::spreadsheet;
use crate::{AppState, Domain};

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    search: String,
    /// From 1 (0 is taken as 1).
    #[serde(default)]
    page: u32,
    #[serde(default)]
    sort: PhoneUserSort,
    #[serde(default)]
    descending: bool,
}

pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let (total, items) = st
        .store
        .phone_users(
            &q.search,
            (q.sort, q.descending),
            PHONE_USERS_PER_PAGE,
            q.page
                .saturating_sub(1)
                .saturating_mul(PHONE_USERS_PER_PAGE),
        )
        .await?;
    let mut page = serde_json::to_value(PhoneUserPage { total, items }).expect("serialises");
    // With several servers, each user's place in the fleet (the panel's own list ignores it).
    if st.fleet.all().len() > 1
        && let Some(items) = page["items"].as_array_mut()
    {
        let exts: Vec<String> = items
            .iter()
            .filter_map(|u| u["extension"].as_str().map(str::to_string))
            .collect();
        let waiting = st.store.pending_for(exts).await?;
        for u in items {
            let ext = u["extension"].as_str().unwrap_or_default().to_string();
            u["servers"] = fleet_state(&st, &ext, &waiting).into();
        }
    }
    Ok(Json(page))
}

/// `GET /api/import-sample.csv`: a file in the import's columns to fill in, with the default template's
/// name and the next free extensions, so that what a person downloads imports as it is.
pub async fn import_sample(State(st): State<AppState>) -> Result<Response, AppError> {
    let template = st
        .store
        .template_names()
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let first: u64 = st
        .store
        .next_extension()
        .await?
        .and_then(|e| e.parse().ok())
        .unwrap_or(2001);
    let rows = [
        [
            first.to_string(),
            "Anna Berg".into(),
            String::new(),
            template.clone(),
            String::new(),
        ],
        [
            (first + 1).to_string(),
            "Ben Okafor".into(),
            String::new(),
            template,
            format!("{}@default", first + 1),
        ],
    ];
    let header = ["extension", "name", "password", "template", "voicemail"];
    Ok(super::download::csv(
        "phone-users-sample.csv",
        spreadsheet::table(&header, rows),
    ))
}

/// `GET /api/next-extension`: `{"extension": "2042"}`, what the wizard offers a new user (null when the
/// extensions follow no numbering).
pub async fn next_extension(
    State(st): State<AppState>,
) -> Result<Json<serde_json::Value>, AppError> {
    let next = st.store.next_extension().await?;
    Ok(Json(serde_json::json!({ "extension": next })))
}

/// `GET /api/endpoint-states`: each PJSIP endpoint's state on the default server (`{"2041": "online"}`).
pub async fn endpoint_states(
    State(st): State<Domain>,
) -> Result<Json<std::collections::BTreeMap<String, String>>, AppError> {
    Ok(Json(crate::objects::endpoint_states(&st).await?))
}

/// Where a phone user's objects are, as far as Conjure knows: on the servers its target names, less
/// those that still wait for a change of it or refused one.
fn fleet_state(st: &AppState, ext: &str, waiting: &[(String, String, bool)]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut servers: Vec<&str> = waiting
        .iter()
        .filter(|(id, _, _)| id == ext)
        .map(|(_, s, _)| s.as_str())
        .collect();
    servers.dedup();
    for s in servers {
        let refused = waiting
            .iter()
            .any(|(id, srv, r)| id == ext && srv == s && *r);
        out.push(if refused {
            format!("refused on {s}")
        } else {
            format!("waiting on {s}")
        });
    }
    if out.is_empty() {
        let target = st.fleet.targets.get(ObjectType::Endpoint, ext);
        return match target {
            None => "on every server".into(),
            Some(t) => format!("on {}", crate::objects::describe(Some(&t))),
        };
    }
    out.join("; ")
}

#[derive(serde::Deserialize)]
pub struct CreateQuery {
    /// Where the user's objects go: `server:<name>` and `group:<name>`, separated by commas.
    target: Option<String>,
}

pub async fn create(
    State(st): State<AppState>,
    Query(q): Query<CreateQuery>,
    p: Principal,
    AppJson(new): AppJson<NewPhoneUser>,
) -> Result<(StatusCode, Json<PhoneSetup>), AppError> {
    let target = q.target.as_deref().map(split_target);
    let setup = provision::create(&st, &new, &p.who(), target.as_deref()).await?;
    tracing::info!(ext = %new.extension, by = %p.actor(), "phone user created");
    Ok((StatusCode::CREATED, Json(setup)))
}

pub async fn get(
    State(st): State<AppState>,
    Path(ext): Path<String>,
) -> Result<Json<PhoneUser>, AppError> {
    st.store.phone_user(&ext).await?.map(Json).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            format!("There is no phone user {ext}."),
        )
    })
}

pub async fn change(
    State(st): State<AppState>,
    p: Principal,
    Path(ext): Path<String>,
    AppJson(c): AppJson<PhoneUserChange>,
) -> Result<Json<PhoneSetup>, AppError> {
    Ok(Json(provision::change(&st, &ext, &c, &p.who()).await?))
}

pub async fn delete(
    State(st): State<AppState>,
    p: Principal,
    Path(ext): Path<String>,
) -> Result<StatusCode, AppError> {
    provision::delete(&st, &ext, &p.who()).await?;
    tracing::info!(%ext, by = %p.actor(), "phone user deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    passwords: bool,
}

/// Phone users as CSV, in the import's columns. Passwords only when an admin asks for them explicitly;
/// Conjure does not keep them, so they are read from Asterisk.
pub async fn export(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    if q.passwords {
        p.require(Role::Admin)?;
    }
    let (_, users) = st
        .store
        .phone_users("", Default::default(), u32::MAX, 0)
        .await?;
    if q.passwords {
        tracing::warn!(by = %p.actor(), "phone users exported with their passwords");
        // Recorded before any password is read: no entry, no passwords.
        let msg = format!(
            "{} exported {} phone users with their passwords",
            p.actor(),
            users.len()
        );
        st.store
            .log(&audit::event(
                &p.who(),
                "export",
                "phone-users",
                "passwords",
                msg,
            ))
            .await?;
    }
    let mut head = vec!["extension", "name", "template", "voicemail"];
    if q.passwords {
        head.push("password");
    }
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let mut row = vec![u.extension.clone(), u.name, u.template, u.voicemail];
        if q.passwords {
            let id = model::ObjectId::new(u.extension).expect("stored extensions are valid ids");
            let fields = crate::objects::read(&st, ObjectType::Auth, &id).await?;
            row.push(
                fields
                    .into_iter()
                    .find(|f| f.attribute == "password")
                    .map(|f| f.value)
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    }
    Ok(super::download::csv(
        "phone-users.csv",
        spreadsheet::table(&head, rows),
    ))
}

pub async fn list_templates(State(st): State<AppState>) -> Result<Json<Vec<Template>>, AppError> {
    let all = st.store.templates().await?;
    Ok(Json(all.into_iter().map(templates::redacted).collect()))
}

pub async fn save_template(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    AppJson(mut t): AppJson<Template>,
) -> Result<Json<Template>, AppError> {
    t.name = name;
    templates::check(&t)?;
    t.builtin = templates::builtin().iter().any(|b| b.name == t.name);
    st.store.save_template(&t).await?;
    tracing::info!(template = %t.name, by = %p.actor(), "template saved");
    let mut e = audit::event(
        &p.who(),
        "save",
        "template",
        &t.name,
        format!("{} saved the template {}", p.actor(), t.name),
    );
    for (ty, fields) in [
        ("auth", &t.fields.auth),
        ("aor", &t.fields.aor),
        ("endpoint", &t.fields.endpoint),
    ] {
        let lines: Vec<String> = fields
            .iter()
            .map(|f| format!("{} = {}", f.attribute, f.value))
            .collect();
        e.changes.push(audit::change(ty, "", lines.join("; ")));
    }
    audit::record(&st.store, e).await;
    Ok(Json(t))
}

pub async fn delete_template(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    let users = st.store.template_in_use(&name).await?;
    if users > 0 {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            format!("{users} phone users were made from '{name}'; it stays."),
        ));
    }
    if !st.store.delete_template(&name).await? {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            format!("'{name}' does not exist or is built in."),
        ));
    }
    let msg = format!("{} deleted the template {name}", p.actor());
    audit::record(
        &st.store,
        audit::event(&p.who(), "delete", "template", &name, msg),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    /// Where the users' objects go: `server:<name>` and `group:<name>`, separated by commas.
    target: Option<String>,
}

/// `POST /api/imports[?dry_run=true]` with the file as the body.
pub async fn start_import(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ImportQuery>,
    req: Request,
) -> Result<Response, AppError> {
    let bytes = axum::body::to_bytes(req.into_body(), import::MAX_BYTES)
        .await
        .map_err(|_| {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "The file is larger than {} MB; split it. Nothing was imported.",
                    import::MAX_BYTES / 1024 / 1024
                ),
            )
        })?;
    let target = q.target.as_deref().map(split_target);
    if let Some(t) = &target {
        // Checked before a row is read: a target that names nothing fails the whole import at once.
        st.fleet
            .check_target(t)
            .map_err(crate::objects::ObjectError::from)?;
    }
    let templates = st.store.template_names().await?;
    let parsed = import::parse(&import::decode(&bytes)?, &templates)?;
    if q.dry_run {
        return Ok(Json(jobs::check(&st, parsed, target.as_deref()).await).into_response());
    }
    let check = ImportCheck {
        rows: parsed.total,
        ready: parsed.rows.len(),
        errors: parsed.errors.clone(),
        notes: parsed.notes.clone(),
        done_before: 0,
    };
    let Some(id) = jobs::apply(&st, parsed, p.who(), target) else {
        return Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{} imports are running already; start this one when one of them has finished. Nothing was imported.", jobs::KEPT),
        )
        .retry_after(std::time::Duration::from_secs(30)));
    };
    tracing::info!(id, rows = check.rows, by = %p.actor(), "import started");
    let progress = st
        .jobs
        .get(id)
        .map(|j| j.progress.borrow().clone())
        .unwrap_or_default();
    Ok((
        StatusCode::ACCEPTED,
        Json(ImportStarted { check, progress }),
    )
        .into_response())
}

fn job(st: &AppState, id: u64) -> Result<std::sync::Arc<jobs::Job>, AppError> {
    st.jobs.get(id).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            format!("There is no import {id} (imports are kept until Conjure restarts)."),
        )
    })
}

pub async fn progress(
    State(st): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Json<ImportProgress>, AppError> {
    Ok(Json(job(&st, id)?.progress.borrow().clone()))
}

/// Server-sent events: the progress after every row (coalesced), ending with the finished state.
pub async fn events(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<Response, AppError> {
    let rx = job(&st, id)?.progress.subscribe();
    // The stream holds its place until it ends or the browser goes away.
    let held = st.polls.hold(&p.actor())?;
    let stream =
        futures_util::stream::unfold((rx, false, held), |(mut rx, done, held)| async move {
            if done {
                return None;
            }
            let now = rx.borrow_and_update().clone();
            let finished = now.finished;
            let event = Event::default()
                .json_data(&now)
                .expect("progress serialises");
            if !finished {
                // Wait for the next change; at most ten events a second reach the browser.
                tokio::time::sleep(Duration::from_millis(100)).await;
                if rx.changed().await.is_err() {
                    return Some((Ok::<_, Infallible>(event), (rx, true, held)));
                }
            }
            Some((Ok(event), (rx, finished, held)))
        });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

pub async fn cancel(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<StatusCode, AppError> {
    let job = job(&st, id)?;
    if job.owner != p.actor() && p.role < Role::Admin {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            format!(
                "Import {id} was started by {}; only they or an admin can cancel it.",
                job.owner
            ),
        ));
    }
    job.cancel();
    tracing::info!(id, by = %p.actor(), "import cancelled");
    Ok(StatusCode::ACCEPTED)
}

pub async fn results(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<Response, AppError> {
    // The file holds the passwords Conjure generated: only for who ran the import, or an admin, and
    // every download is in the audit log.
    let job = job(&st, id)?;
    if job.owner != p.actor() && p.role < Role::Admin {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            format!(
                "The results of import {id} hold passwords; only {} (who ran it) or an admin can download them.",
                job.owner
            ),
        ));
    }
    let Some(body) = jobs::results_csv(&job, st.clock.now()) else {
        return Err(AppError::new(
            StatusCode::GONE,
            format!("The results of import {id} were removed an hour after it finished, with the passwords in them."),
        )
        .hint("Give the users new passwords on the Phone users page if they were not handed out."));
    };
    let msg = format!(
        "{} downloaded the results of import {id}, with the passwords it generated",
        p.actor()
    );
    st.store
        .log(&audit::event(
            &p.who(),
            "download",
            "import",
            &id.to_string(),
            msg,
        ))
        .await?;
    Ok(super::download::csv("import-results.csv", body))
}
