//! The simulated Asterisk: users, stored objects, restarts and crashes, and one function from request to answer.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use base64::Engine;
use serde_json::{Value, json};

use crate::catalog::{Backend, TypeSpec, catalog};
use crate::object::{Failure, Obj};

/// An ARI user from ari.conf.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub password: String,
    pub read_only: bool,
}

/// The recording's users: `asterisk`/`asterisk` (read-write) and `viewer`/`viewer` (read-only).
pub fn default_users() -> Vec<User> {
    vec![
        User {
            name: "asterisk".into(),
            password: "asterisk".into(),
            read_only: false,
        },
        User {
            name: "viewer".into(),
            password: "viewer".into(),
            read_only: true,
        },
    ]
}

/// A request as Asterisk's HTTP server sees it: the raw request target (spaces and UTF-8 allowed).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer, or the connection closed without one (the process died).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Respond(Response),
    Crash,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn json(status: u16, body: &Value) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
    fn message(status: u16, msg: impl std::fmt::Display) -> Self {
        Self::json(status, &json!({ "message": msg.to_string() }))
    }
    fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
    fn allow(mut self, allow: &str) -> Self {
        self.headers.push(("Allow", allow.into()));
        self
    }
    fn allocation_failed() -> Self {
        Self::json(500, &json!({ "error": "Allocation failed" }))
    }
}

const OBJECT_ALLOW: &str = "OPTIONS,GET,PUT,DELETE";
/// Asterisk's HTTP server refuses request lines longer than this.
const MAX_REQUEST_LINE: usize = 4096;
/// astdb commits in the background about a second after a write; a crash loses what was not committed.
const ASTDB_COMMIT_MS: u64 = 1000;

/// The simulator's clock: real time, or a manual one that a replay advances.
enum Clock {
    Real(Instant),
    Manual(AtomicU64),
}

#[derive(Default)]
struct Entry {
    current: Option<Obj>,
    durable: Option<Obj>,
    dirty_at: Option<u64>,
}

#[derive(Default)]
struct State {
    objects: HashMap<(&'static str, String), Entry>,
    /// aors whose permanent contacts were qualified since the last restart (their endpoints are online).
    qualified_aors: HashSet<String>,
    restarts: u64,
    /// The digest algorithms (UAS, UAC) a new auth gets when it names none: those of the global object
    /// applied last (`default_auth_algorithms_*`, as res_pjsip keeps them), MD5 until one is.
    auth_defaults: Option<[String; 2]>,
}

/// How many distinct paths [`Sim::asked`] counts.
pub const MAX_COUNTED_PATHS: usize = 4096;

/// A simulated Asterisk 22.10.1 answering ARI push configuration. Cheap to share behind an `Arc`.
pub struct Sim {
    state: Mutex<State>,
    users: Vec<User>,
    clock: Clock,
    /// CPU time each request costs on top of the simulation itself (nanoseconds): reads, and writes.
    service: [AtomicU64; 2],
    /// The process's life: which run it is (connections of an earlier run are closed), whether it is up,
    /// and when this run started (ms on the simulator's clock). Servers watch it.
    life: tokio::sync::watch::Sender<Life>,
    /// Time each answer waits (a slow Asterisk), and each new connection before it is read (nanoseconds).
    delays: [AtomicU64; 2],
    /// The wall clock when the simulator was made (ms since the epoch), for a real clock's start times.
    real_base_ms: i128,
    /// This server's sorcery.conf where it differs from the reference's (see [`Sim::with_backends`]).
    backends: HashMap<&'static str, Backend>,
    /// How many requests each path (without its query) was sent: what a real Asterisk's HTTP log
    /// would show, for tests that count what reaches Asterisk.
    asked: Mutex<HashMap<String, u64>>,
}

/// One run of the simulated process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Life {
    pub run: u64,
    pub up: bool,
    /// When this run started, on the simulator's clock (ms).
    pub started_ms: u64,
    /// When configuration was last reloaded (the start, until [`Sim::reload`]), on the same clock.
    pub reloaded_ms: u64,
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new(default_users())
    }
}

impl Sim {
    pub fn new(users: Vec<User>) -> Self {
        Self::with_clock(users, Clock::Real(Instant::now()))
    }

    fn with_clock(users: Vec<User>, clock: Clock) -> Self {
        Sim {
            state: Mutex::default(),
            users,
            clock,
            service: Default::default(),
            life: tokio::sync::watch::Sender::new(Life {
                run: 0,
                up: true,
                started_ms: 0,
                reloaded_ms: 0,
            }),
            delays: Default::default(),
            backends: HashMap::new(),
            asked: Mutex::default(),
            real_base_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i128),
        }
    }

    /// When this run started, as `/ari/asterisk/info` shows it (`2026-11-26T02:11:20.635+0000`): the
    /// recording's start for a manual clock, the wall clock otherwise.
    pub fn startup_time(&self) -> String {
        self.wall_time(self.life.borrow().started_ms)
    }

    /// When configuration was last reloaded, as `/ari/asterisk/info`'s `status.last_reload_time` shows it.
    pub fn last_reload_time(&self) -> String {
        self.wall_time(self.life.borrow().reloaded_ms)
    }

    /// `ms` on the simulator's clock as Asterisk prints a time.
    fn wall_time(&self, started: u64) -> String {
        let base_ms: i128 = match &self.clock {
            Clock::Manual(_) => 1_795_659_080_635,
            Clock::Real(_) => self.real_base_ms,
        };
        let at = time::OffsetDateTime::from_unix_timestamp_nanos(
            (base_ms + started as i128) * 1_000_000,
        )
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let format = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000"
        );
        at.format(&format).unwrap_or_default()
    }

    /// Another sorcery.conf: each named type kept in `backend` (e.g. every type in memory, or aor only in
    /// pjsip.conf, so that writing one is refused), for a test that needs servers which differ.
    pub fn with_backends(
        mut self,
        layout: impl IntoIterator<Item = (&'static str, Backend)>,
    ) -> Self {
        self.backends.extend(layout);
        self
    }

    /// Where this server keeps a type.
    fn backend(&self, spec: &TypeSpec) -> Backend {
        self.backends
            .get(spec.name)
            .copied()
            .unwrap_or(spec.backend)
    }

    /// The current run; `watch` to be told of restarts, crashes, stops and starts.
    pub fn life(&self) -> tokio::sync::watch::Receiver<Life> {
        self.life.subscribe()
    }

    /// Makes every answer wait `answer`, and every new connection wait `connect` before it is read: an
    /// Asterisk that is slow (a wait, not CPU work: the time passes elsewhere).
    pub fn set_delays(&self, answer: std::time::Duration, connect: std::time::Duration) {
        self.delays[0].store(answer.as_nanos() as u64, Ordering::Relaxed);
        self.delays[1].store(connect.as_nanos() as u64, Ordering::Relaxed);
    }

    /// (answer, connect) delays, see [`Sim::set_delays`].
    pub fn delays(&self) -> (std::time::Duration, std::time::Duration) {
        let d = |i: usize| std::time::Duration::from_nanos(self.delays[i].load(Ordering::Relaxed));
        (d(0), d(1))
    }

    /// A new run begins: open connections are closed, and `/ari/asterisk/info` reports a new start.
    fn new_run(&self, up: bool) {
        let now = self.now();
        self.life.send_modify(|l| {
            l.run += 1;
            l.up = up;
            if up {
                l.started_ms = now;
                l.reloaded_ms = now;
            }
        });
    }

    /// The process stops cleanly (astdb flushed, memory gone) and stays down: connections are refused
    /// until [`Sim::start`].
    pub fn stop(&self) {
        self.shut_down_cleanly();
        self.new_run(false);
    }

    /// `core reload`: configuration is read again and `status.last_reload_time` changes; the process,
    /// its connections and the objects pushed to it stay (a reload re-reads files, and pushed objects
    /// are not in files). Not in the recordings: Asterisk's documented behaviour, kept apart from a
    /// restart so a watcher can be tested telling the two apart.
    pub fn reload(&self) {
        let now = self.now();
        self.life
            .send_modify(|l| l.reloaded_ms = now.max(l.started_ms + 1));
    }

    /// The process starts again after [`Sim::stop`].
    pub fn start(&self) {
        if !self.life.borrow().up {
            self.new_run(true);
        }
    }

    /// Whether the process is up (it answers).
    pub fn is_up(&self) -> bool {
        self.life.borrow().up
    }

    /// Makes every GET cost `read` and every PUT or DELETE `write` of CPU time before it is answered,
    /// spent busy as Asterisk spends it (not asleep): a benchmark against the simulator then meets the
    /// real Asterisk's rates instead of a simulator faster than it.
    pub fn set_service_time(&self, read: std::time::Duration, write: std::time::Duration) {
        self.service[0].store(read.as_nanos() as u64, Ordering::Relaxed);
        self.service[1].store(write.as_nanos() as u64, Ordering::Relaxed);
    }

    /// The CPU time a request of `method` costs (see [`Sim::set_service_time`]).
    pub fn service_time(&self, method: &str) -> std::time::Duration {
        let i = usize::from(method != "GET" && method != "HEAD");
        std::time::Duration::from_nanos(self.service[i].load(Ordering::Relaxed))
    }

    /// A simulator whose clock only moves through [`Sim::advance`], for deterministic replays.
    pub fn with_manual_clock(users: Vec<User>) -> Self {
        Self::with_clock(users, Clock::Manual(AtomicU64::new(0)))
    }

    pub fn advance(&self, ms: u64) {
        if let Clock::Manual(t) = &self.clock {
            t.fetch_add(ms, Ordering::Relaxed);
        }
    }

    fn now(&self) -> u64 {
        match &self.clock {
            Clock::Real(start) => start.elapsed().as_millis() as u64,
            Clock::Manual(t) => t.load(Ordering::Relaxed),
        }
    }

    /// Every object the simulated Asterisk holds now, as (type, id), sorted: what a test checks a server
    /// was left with (ARI itself cannot list a type).
    pub fn objects(&self) -> Vec<(String, String)> {
        let st = self.state.lock().unwrap();
        let mut all: Vec<_> = st
            .objects
            .iter()
            .filter(|(_, e)| e.current.is_some())
            .map(|((t, id), _)| (t.to_string(), id.clone()))
            .collect();
        all.sort();
        all
    }

    /// How many times the simulated process restarted (cleanly or after a crash).
    pub fn restarts(&self) -> u64 {
        self.state.lock().unwrap().restarts
    }

    /// A clean restart (SIGTERM, then a start): astdb is flushed, memory-backed objects are gone, open
    /// connections are closed, and `status.startup_time` changes.
    pub fn restart(&self) {
        self.shut_down_cleanly();
        self.new_run(true);
    }

    fn shut_down_cleanly(&self) {
        let mut st = self.state.lock().unwrap();
        for e in st.objects.values_mut() {
            e.durable = e.current.clone();
            e.dirty_at = None;
        }
        self.drop_volatile(&mut st);
    }

    /// A crash and the restart after it: as [`Sim::restart`], but astdb writes of the last second are
    /// lost too, as recorded.
    pub fn crash_and_restart(&self) {
        {
            let mut st = self.state.lock().unwrap();
            self.crash(&mut st);
        }
        self.new_run(true);
    }

    /// A crash: astdb writes younger than the commit delay are lost, and so is everything in memory.
    fn crash(&self, st: &mut State) {
        let now = self.now();
        for e in st.objects.values_mut() {
            match e.dirty_at {
                Some(t) if now.saturating_sub(t) >= ASTDB_COMMIT_MS => {
                    e.durable = e.current.clone()
                }
                Some(_) => e.current = e.durable.clone(),
                None => {}
            }
            e.dirty_at = None;
        }
        self.drop_volatile(st);
    }

    fn drop_volatile(&self, st: &mut State) {
        let cat = catalog();
        // astdb holds each object as its rendered fields, and loading re-applies them: an object whose
        // rendering does not parse back (an endpoint without codecs) does not come back.
        st.objects.retain(|(t, _), e| {
            let spec = &cat.types[t];
            self.backend(spec) == Backend::Astdb && {
                e.current = e
                    .durable
                    .as_ref()
                    .and_then(|o| o.copy_through_rendering(spec, false).ok());
                e.durable = e.current.clone();
                e.current.is_some()
            }
        });
        st.qualified_aors.clear();
        // A new process: the defaults are those of the global objects it loads again, if any.
        let mut globals: Vec<_> = st
            .objects
            .iter()
            .filter(|((t, _), _)| *t == "global")
            .filter_map(|((_, id), e)| {
                e.current
                    .as_ref()
                    .map(|o| (id.clone(), o.global_auth_algorithms()))
            })
            .collect();
        globals.sort();
        st.auth_defaults = globals.pop().map(|(_, d)| d);
        st.restarts += 1;
    }

    /// How many requests were sent to `path` (e.g. `/ari/endpoints/PJSIP`), answered or not; 0 for a
    /// path first asked after [`MAX_COUNTED_PATHS`] others.
    pub fn asked(&self, path: &str) -> u64 {
        self.asked.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// Counts a request to `path`: no allocation for a path counted before, and at most
    /// [`MAX_COUNTED_PATHS`] paths, since the demo mode's simulator runs as long as Conjure does.
    fn count(&self, path: &str) {
        let mut asked = self.asked.lock().unwrap();
        if let Some(n) = asked.get_mut(path) {
            *n += 1;
        } else if asked.len() < MAX_COUNTED_PATHS {
            asked.insert(path.to_string(), 1);
        }
    }

    /// Answers one request.
    pub fn handle(&self, req: &Request) -> Outcome {
        if req.method.len() + req.target.len() + 10 > MAX_REQUEST_LINE {
            return Outcome::Respond(request_line_too_long());
        }
        let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
        self.count(path);
        let Some(rest) = strip_prefix_ci(path, "/ari/") else {
            return Outcome::Respond(Response::message(404, "Resource not found"));
        };
        let Some(user) = self.authenticate(req, query) else {
            let mut r = Response::message(401, "Authentication required");
            r.headers.push((
                "WWW-Authenticate",
                "Basic realm=\"Asterisk REST Interface\"".into(),
            ));
            return Outcome::Respond(r);
        };
        if user.read_only && matches!(req.method.as_str(), "PUT" | "DELETE" | "POST" | "PATCH") {
            return Outcome::Respond(Response::message(403, "Write access denied"));
        }
        if rest.ends_with('/') {
            let fixed = path.trim_end_matches('/');
            return Outcome::Respond(Response::message(
                404,
                format!("ARI URLs do not end with a slash. Try {fixed}"),
            ));
        }
        let segs: Vec<&str> = rest.split('/').collect();
        match segs.as_slice() {
            ["asterisk", "config", "dynamic", rest @ ..] if rest.iter().any(|s| s.is_empty()) => {
                Outcome::Respond(Response::message(405, "Invalid method").allow("OPTIONS"))
            }
            ["asterisk", "config", "dynamic", class, ty, id] => self.config(req, class, ty, id),
            ["asterisk", "config", "dynamic", ..] if segs.len() <= 6 => {
                Outcome::Respond(Response::message(405, "Invalid method").allow("OPTIONS"))
            }
            ["asterisk", "info"] if req.method == "GET" => {
                Outcome::Respond(info(query, &self.startup_time(), &self.last_reload_time()))
            }
            ["endpoints"] if req.method == "GET" => Outcome::Respond(self.endpoints(None)),
            ["endpoints", tech] if req.method == "GET" => {
                Outcome::Respond(self.endpoints(Some((tech, None))))
            }
            ["endpoints", tech, res] if req.method == "GET" => {
                Outcome::Respond(self.endpoints(Some((tech, Some(res)))))
            }
            _ => Outcome::Respond(Response::message(404, "Resource not found")),
        }
    }

    fn authenticate(&self, req: &Request, query: &str) -> Option<&User> {
        let pair = if let Some(h) = req.header("authorization") {
            let b64 = h
                .strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))?;
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .ok()?,
            )
            .ok()?
        } else {
            let key = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("api_key="))?;
            String::from_utf8(crate::decode_component(key)).ok()?
        };
        let (name, password) = pair.split_once(':')?;
        self.users
            .iter()
            .find(|u| u.name == name && u.password == password)
    }

    fn config(&self, req: &Request, class: &str, ty: &str, raw_id: &str) -> Outcome {
        let method = req.method.as_str();
        if method == "OPTIONS" {
            return Outcome::Respond(Response::empty(204).allow(OBJECT_ALLOW));
        }
        if !matches!(method, "GET" | "PUT" | "DELETE") {
            let mut r = Response::message(405, "Invalid method").allow(OBJECT_ALLOW);
            if method == "HEAD" {
                r.body.clear();
                r.headers.retain(|(k, _)| *k != "Content-Type");
            }
            return Outcome::Respond(r);
        }
        if class != "res_pjsip" {
            return Outcome::Respond(Response::message(
                404,
                format!("configClass '{class}' not found"),
            ));
        }
        let Some(spec) = catalog().types.get(ty) else {
            return Outcome::Respond(Response::message(
                404,
                format!("objectType '{ty}' not found"),
            ));
        };
        let id = decode_id(raw_id);
        let mut st = self.state.lock().unwrap();
        let now = self.now();
        let outcome = match method {
            "GET" => Outcome::Respond(self.get(&st, spec, &id)),
            "DELETE" => Outcome::Respond(self.delete(&mut st, spec, &id, now)),
            _ => self.put(&mut st, spec, &id, req, now),
        };
        if outcome == Outcome::Crash {
            self.crash(&mut st);
            drop(st);
            // The process comes back (systemd restarts it) as a new run.
            self.new_run(true);
        }
        outcome
    }

    fn lookup<'a>(&self, st: &'a State, spec: &TypeSpec, id: &str) -> Option<&'a Obj> {
        if self.backend(spec) == Backend::Config {
            return None;
        }
        st.objects
            .get(&(spec.name, id.to_string()))
            .and_then(|e| e.current.as_ref())
    }

    fn exists_in_config(spec: &TypeSpec, id: &str) -> bool {
        spec.name == "transport" && id == "transport-udp"
    }

    fn get(&self, st: &State, spec: &TypeSpec, id: &str) -> Response {
        if Self::exists_in_config(spec, id) {
            return render(spec, &Obj::default());
        }
        match self.lookup(st, spec, id) {
            None => not_found(id),
            Some(_) if self.backend(spec) == Backend::Unrenderable => Response::allocation_failed(),
            Some(o) if o.validate(spec) == Err(Failure::Allocation) => {
                Response::allocation_failed()
            }
            Some(o) => render(spec, o),
        }
    }

    fn delete(&self, st: &mut State, spec: &TypeSpec, id: &str, now: u64) -> Response {
        if self.backend(spec) == Backend::Config {
            return if Self::exists_in_config(spec, id) {
                Response::message(403, format!("Could not delete object with id '{id}'"))
            } else {
                not_found(id)
            };
        }
        let key = (spec.name, id.to_string());
        match st.objects.get_mut(&key) {
            Some(e) if e.current.is_some() => {
                e.current = None;
                e.dirty_at = Some(now);
                st.qualified_aors.remove(id);
                Response::empty(204)
            }
            _ => not_found(id),
        }
    }

    fn put(&self, st: &mut State, spec: &TypeSpec, id: &str, req: &Request, now: u64) -> Outcome {
        if req.body.len() > 40_960 {
            return Outcome::Respond(Response::message(413, "Request body too large"));
        }
        let fields = match parse_body(req) {
            Ok(f) => f,
            Err(BodyProblem::Unparsable) => {
                return Outcome::Respond(Response::message(400, "Error parsing request body"));
            }
            Err(BodyProblem::Crash) => return Outcome::Crash,
        };
        let existing = if Self::exists_in_config(spec, id) {
            Some(Obj::default())
        } else {
            self.lookup(st, spec, id).cloned()
        };
        if self.backend(spec) == Backend::Config {
            // The type's apply handler runs before the config wizard refuses the write.
            return Outcome::Respond(if existing.is_some() {
                Response::message(
                    400,
                    format!("Update of object '{id}' failed field value validation"),
                )
            } else {
                Response::message(
                    403,
                    format!("Cannot create sorcery objects of type '{}'", spec.name),
                )
            });
        }
        let (mut obj, verb) = match &existing {
            // Asterisk copies the object first: one that cannot be copied fails (500) even when the
            // request has no fields to apply.
            Some(old) => {
                let Ok(copy) = old.copy_through_rendering(spec, true) else {
                    return Outcome::Respond(Response::allocation_failed());
                };
                let (Fields::List(_) | Fields::Ignored) = fields else {
                    return Outcome::Respond(Response::message(
                        400,
                        format!("Fields must be provided to update object '{id}'"),
                    ));
                };
                (copy, "Update")
            }
            None => (Obj::default(), "Creation"),
        };
        let invalid = || {
            Outcome::Respond(Response::message(
                400,
                format!("{verb} of object '{id}' failed field value validation"),
            ))
        };
        if let (Fields::List(list), false) = (&fields, self.backend(spec) == Backend::Unrenderable)
        {
            // res_pjsip keeps a global's default digest algorithms process-wide, set by the option's
            // handler as it runs: by the new object's defaults or the copy being updated, then by each
            // field in turn, and kept even when a later field fails (recorded: a refused global update
            // still changed what new auths get).
            let global = spec.name == "global";
            if global {
                st.auth_defaults = Some(obj.global_auth_algorithms());
            }
            for (attr, value) in list {
                if verb == "Update" && crate::object::unchecked_on_update(spec, attr, value) {
                    obj.set_as_given(spec, attr, value);
                } else if obj.apply(spec, attr, value).is_err() {
                    return invalid();
                }
                if global {
                    st.auth_defaults = Some(obj.global_auth_algorithms());
                }
            }
        }
        if verb == "Creation"
            && spec.name == "auth"
            && let Some(defaults) = &st.auth_defaults
        {
            obj.default_algorithms(defaults);
        }
        obj.finish(spec);
        let check = obj.validate(spec);
        if check == Err(Failure::Validation) {
            return invalid();
        }
        if spec.name == "aor"
            && !obj.list("contact").is_empty()
            && obj.get("qualify_frequency") == Some("0")
        {
            st.qualified_aors.insert(id.to_string());
        }
        let rendered = render(spec, &obj);
        let e = st.objects.entry((spec.name, id.to_string())).or_default();
        e.current = Some(obj);
        e.dirty_at = Some(now);
        if self.backend(spec) == Backend::Unrenderable || check == Err(Failure::Allocation) {
            return Outcome::Respond(Response::allocation_failed());
        }
        Outcome::Respond(rendered)
    }

    fn endpoints(&self, filter: Option<(&str, Option<&str>)>) -> Response {
        if let Some((tech, _)) = filter
            && tech != "PJSIP"
        {
            return Response::message(404, format!("No Endpoints found - invalid tech {tech}"));
        }
        let st = self.state.lock().unwrap();
        let mut list: Vec<(&String, &Obj)> = st
            .objects
            .iter()
            .filter(|((t, _), _)| *t == "endpoint")
            .filter_map(|((_, id), e)| e.current.as_ref().map(|o| (id, o)))
            .collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        let view = |id: &String, o: &Obj| {
            let online = o.list("aors").iter().any(|a| st.qualified_aors.contains(a));
            json!({"technology": "PJSIP", "resource": id, "state": if online { "online" } else { "offline" }, "channel_ids": []})
        };
        match filter {
            Some((_, Some(res))) => match list.iter().find(|(id, _)| id.as_str() == res) {
                Some((id, o)) => Response::json(200, &view(id, o)),
                None => Response::message(404, "Endpoint not found"),
            },
            _ => Response::json(
                200,
                &Value::Array(list.iter().map(|(id, o)| view(id, o)).collect()),
            ),
        }
    }
}

enum Fields {
    /// No body, no JSON content type, or no `fields` key.
    Absent,
    /// `fields` present but not a list: Asterisk silently applies nothing.
    Ignored,
    List(Vec<(String, String)>),
}

enum BodyProblem {
    Unparsable,
    /// An entry Asterisk would dereference as a string without checking: SIGSEGV.
    Crash,
}

fn parse_body(req: &Request) -> Result<Fields, BodyProblem> {
    let is_json = req.header("content-type").is_some_and(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case("application/json")
    });
    if !is_json || req.body.is_empty() {
        return Ok(Fields::Absent);
    }
    let v: Value = serde_json::from_slice(&req.body).map_err(|_| BodyProblem::Unparsable)?;
    let obj = match v {
        Value::Object(o) => o,
        Value::Array(_) => return Ok(Fields::Absent),
        _ => return Err(BodyProblem::Unparsable),
    };
    match obj.get("fields") {
        None => Ok(Fields::Absent),
        Some(Value::Array(entries)) => entries
            .iter()
            .map(|e| match (e.get("attribute"), e.get("value")) {
                (Some(Value::String(a)), Some(Value::String(v))) => Ok((a.clone(), v.clone())),
                _ => Err(BodyProblem::Crash),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Fields::List),
        Some(_) => Ok(Fields::Ignored),
    }
}

fn render(spec: &TypeSpec, o: &Obj) -> Response {
    let fields: Vec<Value> = o
        .render(spec)
        .into_iter()
        .map(|(a, v)| json!({"attribute": a, "value": v}))
        .collect();
    Response::json(200, &Value::Array(fields))
}

fn not_found(id: &str) -> Response {
    Response::message(404, format!("Object with id '{id}' not found"))
}

/// Asterisk decodes the id segment with legacy rules and then treats it as a C string.
fn decode_id(raw: &str) -> String {
    let mut bytes = crate::decode_component(raw);
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        bytes.truncate(nul);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &s[prefix.len()..])
}

fn request_line_too_long() -> Response {
    let body = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n<p>Request line too long</p>\r\n<hr />\r\n<address>Asterisk/22.10.1</address>\r\n</body></html>\r\n";
    Response {
        status: 400,
        headers: vec![("Content-Type", "text/html".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn info(query: &str, startup: &str, reloaded: &str) -> Response {
    let all = json!({
        "build": {"os": "Linux", "kernel": "6.18.44-fc-v657", "machine": "x86_64", "options": "OPTIONAL_API",
                  "date": "2026-11-26 02:00:47 UTC", "user": "root"},
        "system": {"version": "22.10.1", "entity_id": "02:fc:00:00:00:01"},
        "config": {"name": "", "default_language": "en", "setid": {"user": "", "group": ""}, "max_open_files": 8192},
        "status": {"startup_time": startup, "last_reload_time": reloaded}
    });
    let only: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.strip_prefix("only="))
        .flat_map(|v| v.split(','))
        .collect();
    if only.is_empty() {
        return Response::json(200, &all);
    }
    let mut out = serde_json::Map::new();
    for k in only {
        if let Some(v) = all.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    Response::json(200, &Value::Object(out))
}
