//! A sorcery object as the simulator stores it, and the create / update / render cycle of ARI.

use std::collections::HashMap;

use crate::catalog::{Backend, Rendered, TypeSpec};
use crate::value::{self, Rejected};

/// One stored option value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    One(String),
    /// A list GET shows as the attribute repeated (identify `match`, aor `contact`, registration `outbound_auth`).
    Many(Vec<String>),
    /// endpoint `allow`, in order; GET shows `(a|b)` or `(nothing)`.
    Codecs(Vec<String>),
    /// endpoint `set_var`: each variable becomes its own attribute in GET.
    Vars(Vec<(String, String)>),
}

/// A stored object: option values by canonical option name; unset options render their default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Obj {
    vals: HashMap<String, Val>,
    /// phoneprov keeps any attribute with its case, in order.
    free: Vec<(String, String)>,
}

/// Why a create or update failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 400 `... failed field value validation`.
    Validation,
    /// 500 `{"error":"Allocation failed"}`: the stored object cannot be copied through its own rendering,
    /// or (phoneprov) the object has nothing to render.
    Allocation,
}

/// The digest algorithms Asterisk 22 knows, as it renders them.
const DIGEST_ALGORITHMS: [&str; 3] = ["MD5", "SHA-256", "SHA-512-256"];

/// What a permanent contact's sorcery id ends with: the MD5 of its URI, in hex.
fn contact_hash(uri: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(uri.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The 45 formats `allow=all` expands to, in Asterisk's order.
fn all_codecs(spec: &TypeSpec) -> Vec<String> {
    match spec.option("allow").and_then(|o| o.accepted.get("all")) {
        Some(Some(Rendered::One(s))) => s
            .trim_matches(|c| c == '(' || c == ')')
            .split('|')
            .map(str::to_string)
            .collect(),
        _ => vec!["ulaw".into(), "alaw".into()],
    }
}

impl Obj {
    /// Applies one `attribute=value` on top of the object, as sorcery's object set does.
    pub fn apply(&mut self, spec: &TypeSpec, attr: &str, value: &str) -> Result<(), Rejected> {
        if spec.name == "phoneprov" {
            // Its variables are a list that each PUT appends to, as sent: never replaced, never merged
            // (`MAC` and `mac`, or `PROFILE` twice, are all kept), and an empty value is skipped.
            if !attr.eq_ignore_ascii_case("type") && !value.is_empty() {
                self.free.push((attr.to_string(), value.to_string()));
            }
            return Ok(());
        }
        let opt = spec.option(attr).ok_or(Rejected)?;
        let name = opt.name.clone();
        // A required option set empty is refused by the object's check, not by the option's: a later
        // field of the same PUT may still set it (`domain=""` then `domain=example.com` is accepted).
        if value.is_empty()
            && is_placeholder(spec.name, &name)
            && !matches!(opt.name.as_str(), "allow" | "match")
        {
            self.vals.insert(name, Val::One(String::new()));
            return Ok(());
        }
        match (spec.name, name.as_str()) {
            ("endpoint", "allow") => self.codecs(spec, value, true),
            ("endpoint", "disallow") => self.codecs(spec, value, false),
            ("endpoint", "set_var") => {
                if value.is_empty() {
                    return Ok(());
                }
                let (k, v) = value.split_once('=').ok_or(Rejected)?;
                match self
                    .vals
                    .entry(name)
                    .or_insert_with(|| Val::Vars(Vec::new()))
                {
                    Val::Vars(vars) => vars.push((k.trim().to_string(), v.trim().to_string())),
                    _ => return Err(Rejected),
                }
                Ok(())
            }
            ("identify", "match") => {
                let mut items = Vec::new();
                for item in value.split(',').filter(|i| !i.trim().is_empty()) {
                    items.push(value::normalise_match(item)?);
                }
                self.push_many(name, items);
                Ok(())
            }
            ("aor", "contact") => {
                let mut items = Vec::new();
                for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    let bare = item.trim_start_matches('<');
                    if !(bare.starts_with("sip:") || bare.starts_with("sips:")) {
                        return Err(Rejected);
                    }
                    items.push(item.to_string());
                }
                // Each permanent contact is a sorcery object `<aor>@@<md5 of its URI>` in a container sorted
                // by id that refuses duplicates: GET lists them in the order of their hashes, once each.
                let mut all = match self.vals.remove(&name) {
                    Some(Val::Many(v)) => v,
                    _ => Vec::new(),
                };
                for item in items {
                    if !all.contains(&item) {
                        all.push(item);
                    }
                }
                all.sort_by_cached_key(|uri| contact_hash(uri));
                self.vals.insert(name, Val::Many(all));
                Ok(())
            }
            ("registration", "outbound_auth") => {
                // Replaced, not accumulated: the copy re-applies each rendered name, so only the last survives.
                let names = value
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                self.vals.insert(name, Val::Many(names));
                Ok(())
            }
            // An SDP origin user that is empty or has a space, or a blank session name, becomes `-` (with a
            // WARNING in Asterisk's log).
            ("endpoint", "sdp_owner") => {
                let v = if value.is_empty() || value.contains(' ') {
                    "-"
                } else {
                    value
                };
                self.vals.insert(name, Val::One(v.to_string()));
                Ok(())
            }
            ("endpoint", "sdp_session") => {
                let v = if value.trim().is_empty() { "-" } else { value };
                self.vals.insert(name, Val::One(v.to_string()));
                Ok(())
            }
            // Kept as written when every algorithm is known; otherwise replaced by MD5 (with a WARNING),
            // never refused.
            ("global", "default_auth_algorithms_uas" | "default_auth_algorithms_uac") => {
                let known = value
                    .split(',')
                    .map(str::trim)
                    .all(|a| DIGEST_ALGORITHMS.iter().any(|k| k.eq_ignore_ascii_case(a)));
                // An empty list stays empty (new auths then render no algorithm).
                let v = if value.trim().is_empty() {
                    ""
                } else if known {
                    value
                } else {
                    "MD5"
                };
                self.vals.insert(name, Val::One(v.to_string()));
                Ok(())
            }
            // The algorithms a PUT names are added to those the object has (an update starts from the
            // rendering, so `md5` on an object with `MD5` gives `MD5,MD5`); an unknown one is refused.
            ("auth", "supported_algorithms_uas" | "supported_algorithms_uac") => {
                let mut algs = Vec::new();
                for a in value.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                    let known = DIGEST_ALGORITHMS
                        .iter()
                        .find(|k| k.eq_ignore_ascii_case(a))
                        .ok_or(Rejected)?;
                    algs.push(known.to_string());
                }
                if algs.is_empty() {
                    return Ok(());
                }
                let joined = match self.vals.get(&name) {
                    Some(Val::One(old)) if !old.is_empty() => format!("{old},{}", algs.join(",")),
                    _ => algs.join(","),
                };
                self.vals.insert(name, Val::One(joined));
                Ok(())
            }
            // SIP URIs longer than PJSIP's limit are refused.
            ("outbound-publish", "server_uri" | "from_uri" | "to_uri")
            | ("registration", "server_uri" | "client_uri")
                if value.len() > 255 =>
            {
                Err(Rejected)
            }
            ("registration", "contact_header_params") if value.starts_with(';') => Err(Rejected),
            ("endpoint", "dtls_auto_generate_cert") => {
                let v = if value::ast_true(value) { "Yes" } else { "No" };
                self.vals.insert(name, Val::One(v.to_string()));
                Ok(())
            }
            // Mechanisms Asterisk does not know are dropped; each known one keeps its parameters but
            // `q=` (`msrp-tls;q=0.1` -> `msrp-tls`, `sdes-srtp;mediasec` stays); none left: not rendered.
            ("endpoint" | "registration", "security_mechanisms") => {
                let known: Vec<String> = value
                    .split(',')
                    .filter_map(|m| {
                        let mut parts = m.split(';').map(str::trim);
                        let mech = parts.next().unwrap_or_default();
                        if !["msrp-tls", "sdes-srtp", "dtls-srtp"].contains(&mech) {
                            return None;
                        }
                        let kept: Vec<&str> = parts
                            .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("q="))
                            .collect();
                        Some(
                            std::iter::once(mech)
                                .chain(kept)
                                .collect::<Vec<_>>()
                                .join(";"),
                        )
                    })
                    .collect();
                if known.is_empty() {
                    self.vals.remove(&name);
                } else {
                    self.vals.insert(name, Val::One(known.join(", ")));
                }
                Ok(())
            }
            // acl.c's ast_str2tos: a number (wrapped to a byte: `256` -> `0`, `-1` -> `255`), or a DSCP
            // name in any case, rendered as the TOS byte; anything else (`lowdelay`) is refused.
            ("endpoint", "tos_audio" | "tos_video") => {
                let tos = value::str2tos(value).ok_or(Rejected)?;
                self.vals.insert(name, Val::One(tos.to_string()));
                Ok(())
            }
            // res_pjsip's acl_to_str renders the first ACL of the list by its name, and the list that
            // permit/deny lines build is named `deny/permit` (acl.c); a named ACL set first keeps its name.
            ("endpoint", "deny" | "permit" | "contact_deny" | "contact_permit") => {
                value::parse(opt, value)?;
                let acl = if name.starts_with("contact_") {
                    "contact_acl"
                } else {
                    "acl"
                };
                let named = matches!(self.vals.get(acl), Some(Val::One(v)) if !v.is_empty());
                if !named && !value.trim().is_empty() {
                    self.vals
                        .insert(acl.to_string(), Val::One("deny/permit".into()));
                }
                Ok(())
            }
            // Named groups are kept as a set and rendered joined by ", ".
            ("endpoint", "named_call_group" | "named_pickup_group") => {
                let names: Vec<&str> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect();
                self.vals.insert(name, Val::One(names.join(", ")));
                Ok(())
            }
            // No longer supported: every value is accepted, with a warning, and renders `no`.
            ("endpoint", "stir_shaken") => {
                self.vals.insert(name, Val::One("no".into()));
                Ok(())
            }
            // A port (0-65535); whether the pair makes sense is the endpoint's check (validate).
            ("endpoint", "rtp_port_start" | "rtp_port_end") => {
                let n = value::parse_c_integer(value, true)
                    .filter(|n| *n <= 65535)
                    .ok_or(Rejected)?;
                self.vals.insert(name, Val::One(n.to_string()));
                Ok(())
            }
            ("global", "contact_expiration_check_interval") => {
                let n = value::parse_c_integer(value, true).ok_or(Rejected)?;
                self.vals.insert(name, Val::One(n.to_string()));
                Ok(())
            }
            // `Name: value`; a header without a name is refused.
            ("identify", "match_header")
                if !value.is_empty()
                    && value
                        .split_once(':')
                        .is_none_or(|(n, _)| n.trim().is_empty()) =>
            {
                Err(Rejected)
            }
            // Valid only with its three companions, which the object's check looks for (a later field of
            // the PUT, or the object being updated, may hold them).
            ("auth", "auth_type") if value.eq_ignore_ascii_case("google_oauth") => {
                self.vals.insert(name, Val::One("google_oauth".into()));
                Ok(())
            }
            ("endpoint", "callerid") => {
                self.vals.insert(name, Val::One(callerid(value)));
                Ok(())
            }
            ("auth", "md5_cred") => {
                if value.is_empty() {
                    // Nothing to mirror; the digests already set stay (a copy re-applies md5_cred "" after
                    // password_digest).
                    self.vals
                        .entry(name)
                        .or_insert_with(|| Val::One(String::new()));
                    return Ok(());
                }
                if value.chars().count() != 32 {
                    return Err(Rejected);
                }
                self.set_digest("MD5", value);
                self.vals.insert(name, Val::One(value.to_string()));
                Ok(())
            }
            // One `[ALG:]digest` per algorithm, comma-separated; only the length is checked (32 for MD5,
            // 64 for SHA-256 and SHA-512-256). The MD5 one is mirrored in md5_cred.
            ("auth", "password_digest") => {
                if value.is_empty() {
                    self.vals.insert(name, Val::One(String::new()));
                    return Ok(());
                }
                let mut entries = Vec::new();
                for entry in value.split(',').map(str::trim) {
                    let (alg, digest) = match entry.split_once(':') {
                        Some((a, d)) => (a.to_ascii_uppercase(), d),
                        None => ("MD5".to_string(), entry),
                    };
                    let len = match alg.as_str() {
                        "MD5" => 32,
                        "SHA-256" | "SHA-512-256" => 64,
                        _ => return Err(Rejected),
                    };
                    if digest.chars().count() != len {
                        return Err(Rejected);
                    }
                    entries.push((alg, digest.to_string()));
                }
                self.vals.insert(name, Val::One(String::new()));
                for (alg, digest) in entries {
                    self.set_digest(&alg, &digest);
                    if alg == "MD5" {
                        self.vals.insert("md5_cred".into(), Val::One(digest));
                    }
                }
                Ok(())
            }
            _ => {
                match value::parse(opt, value)? {
                    Some(Rendered::One(s)) => {
                        self.vals.insert(name, Val::One(s));
                    }
                    Some(Rendered::Many(v)) => {
                        self.vals.insert(name, Val::Many(v));
                    }
                    None => {}
                }
                Ok(())
            }
        }
    }

    fn push_many(&mut self, name: String, items: Vec<String>) {
        match self
            .vals
            .entry(name)
            .or_insert_with(|| Val::Many(Vec::new()))
        {
            Val::Many(v) => v.extend(items),
            other => *other = Val::Many(items),
        }
    }

    fn codecs(&mut self, spec: &TypeSpec, value: &str, allow: bool) -> Result<(), Rejected> {
        let all = all_codecs(spec);
        let v = value.trim();
        let replace = allow && v.starts_with('(') && v.ends_with(')');
        let inner = if replace { &v[1..v.len() - 1] } else { v };
        let mut list = match self.vals.get("allow") {
            Some(Val::Codecs(c)) if !replace => c.clone(),
            _ => Vec::new(),
        };
        let items: Vec<&str> = inner
            .split([',', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if items.is_empty() {
            return Err(Rejected);
        }
        for item in items {
            let (negate, name) = match item.strip_prefix('!') {
                Some(n) => (true, n),
                None => (false, item),
            };
            let add = allow != negate;
            let name = name.to_ascii_lowercase();
            let names: Vec<String> = if name == "all" {
                all.clone()
            } else if all.contains(&name) {
                vec![name]
            } else {
                return Err(Rejected);
            };
            // A codec already allowed keeps its place (`allow=all` adds only the missing ones behind it).
            for n in names {
                if !add {
                    list.retain(|c| *c != n);
                } else if !list.contains(&n) {
                    list.push(n);
                }
            }
        }
        self.vals.insert("allow".into(), Val::Codecs(list));
        Ok(())
    }

    /// Sets (or replaces) the digest of one algorithm in password_digest, keeping the others.
    fn set_digest(&mut self, alg: &str, digest: &str) {
        let current = match self.vals.get("password_digest") {
            Some(Val::One(s)) => s.clone(),
            _ => String::new(),
        };
        let mut entries: Vec<String> = current
            .split(',')
            .filter(|e| !e.is_empty() && e.split_once(':').is_none_or(|(a, _)| a != alg))
            .map(str::to_string)
            .collect();
        entries.push(format!("{alg}:{digest}"));
        self.vals
            .insert("password_digest".into(), Val::One(entries.join(",")));
    }

    /// What the type's apply handler changes once every field of a PUT is set: `webrtc=yes` switches on
    /// what a WebRTC client needs, and `bundle` needs `rtcp_mux`.
    pub fn finish(&mut self, spec: &TypeSpec) {
        // An OAuth auth gets no default digest algorithms (measured: both render empty); ones it has
        // already, from before, stay.
        if spec.name == "auth" && self.get("auth_type") == Some("google_oauth") {
            for k in ["supported_algorithms_uas", "supported_algorithms_uac"] {
                self.vals
                    .entry(k.to_string())
                    .or_insert_with(|| Val::One(String::new()));
            }
        }
        if spec.name != "endpoint" {
            return;
        }
        let is = |o: &Obj, k: &str, on: &[&str]| matches!(o.vals.get(k), Some(Val::One(v)) if on.contains(&v.as_str()));
        let set = |o: &mut Obj, k: &str, v: &str| {
            o.vals.insert(k.to_string(), Val::One(v.to_string()));
        };
        if is(self, "webrtc", &["yes", "true"]) {
            for k in [
                "bundle",
                "rtcp_mux",
                "use_avpf",
                "ice_support",
                "media_use_received_transport",
            ] {
                set(self, k, "true");
            }
            set(self, "media_encryption", "dtls");
            set(self, "dtls_verify", "Fingerprint");
            set(self, "dtls_setup", "actpass");
            if !matches!(self.vals.get("dtls_cert_file"), Some(Val::One(f)) if !f.is_empty()) {
                set(self, "dtls_auto_generate_cert", "Yes");
            }
            // "DTLS renegotiation is not supported with WebRTC. Disabling dtls_rekey."
            set(self, "dtls_rekey", "0");
        }
        if is(self, "bundle", &["true", "yes"]) {
            set(self, "rtcp_mux", "true");
        }
        if is(self, "preferred_codec_only", &["true", "yes"]) {
            set(self, "incoming_call_offer_pref", "local_first");
        }
    }

    /// The type's apply-time checks, run after all fields of a PUT are set.
    pub fn validate(&self, spec: &TypeSpec) -> Result<(), Failure> {
        let get = |k: &str| match self.vals.get(k) {
            Some(Val::One(s)) => s.as_str(),
            Some(Val::Many(v)) if !v.is_empty() => "set",
            _ => "",
        };
        // A value accepted only with its companion (registration `endpoint` needs `line=yes`): the
        // companion must be set to what that value renders as.
        for (attr, val) in &self.vals {
            let (Some(opt), Val::One(v)) = (spec.option(attr), val) else {
                continue;
            };
            // Every measured value needs the same companion, so any value not accepted alone does.
            let Some(companions) = opt.needs.get(v).or_else(|| {
                (!v.is_empty() && !opt.accepted.contains_key(v))
                    .then(|| opt.needs.values().next())
                    .flatten()
            }) else {
                continue;
            };
            for (c, want) in companions {
                let mut probe = Obj::default();
                if probe.apply(spec, c, want).is_err() || probe.get(c) != Some(get(c)) {
                    return Err(Failure::Validation);
                }
            }
        }
        let ok = match spec.name {
            "auth" => {
                let algs = |k| match get(k) {
                    "" => "MD5".to_string(),
                    s => s.to_ascii_uppercase(),
                };
                let (uas, uac) = (
                    algs("supported_algorithms_uas"),
                    algs("supported_algorithms_uac"),
                );
                let digest_algs: Vec<String> = get("password_digest")
                    .split(',')
                    .filter_map(|e| e.split_once(':').map(|(a, _)| a.to_string()))
                    .collect();
                let digest_alg = digest_algs.first().cloned();
                let digest_ok = !get("password").is_empty()
                    || digest_algs
                        .iter()
                        .all(|a| uas.split(',').any(|x| x == a) && uac.split(',').any(|x| x == a));
                let auth_type = get("auth_type");
                let md5_ok = auth_type != "md5"
                    || !get("md5_cred").is_empty()
                    || !get("password").is_empty();
                let has_secret = !get("password").is_empty() || digest_alg.is_some();
                let oauth = auth_type == "google_oauth";
                let oauth_ok = !oauth
                    || ["refresh_token", "oauth_clientid", "oauth_secret"]
                        .iter()
                        .all(|k| !get(k).is_empty());
                !get("username").is_empty()
                    && digest_ok
                    && md5_ok
                    && oauth_ok
                    && (has_secret || oauth)
            }
            "identify" => {
                !get("endpoint").is_empty()
                    && (!get("match").is_empty()
                        || !get("match_header").is_empty()
                        || !get("match_request_uri").is_empty())
            }
            "registration" => !get("server_uri").is_empty() && !get("client_uri").is_empty(),
            "domain_alias" => !get("domain").is_empty(),
            "outbound-publish" => !get("server_uri").is_empty() && !get("event").is_empty(),
            "contact" => !get("uri").is_empty(),
            // Both unset (0), or both at least 1024 with the end above the start (measured).
            "endpoint" => {
                let port = |k: &str| get(k).parse::<u32>().unwrap_or(0);
                match (port("rtp_port_start"), port("rtp_port_end")) {
                    (0, 0) => true,
                    (start, end) => start >= 1024 && end > start,
                }
            }
            _ => true,
        };
        if !ok {
            return Err(Failure::Validation);
        }
        if spec.name == "phoneprov" && !self.free.iter().any(|(_, v)| !v.is_empty()) {
            return Err(Failure::Allocation);
        }
        Ok(())
    }

    /// GET's rendering: `(attribute, value)` pairs in the type's order; lists repeat the attribute.
    pub fn render(&self, spec: &TypeSpec) -> Vec<(String, String)> {
        if spec.backend == Backend::Config {
            return spec.fixed.clone();
        }
        if spec.name == "phoneprov" {
            return self.free.clone();
        }
        let mut out = Vec::with_capacity(spec.order.len() + 2);
        for attr in &spec.order {
            // Asterisk renders direct_media_method from the connected line's method (its to_str reads
            // the wrong field), so it always shows what connected_line_method shows.
            let attr = if spec.name == "endpoint" && attr == "direct_media_method" {
                let shown = self.render_one(spec, "connected_line_method");
                out.push((attr.clone(), shown));
                continue;
            } else {
                attr
            };
            match self.vals.get(attr) {
                Some(Val::One(s)) => out.push((attr.clone(), s.clone())),
                Some(Val::Many(v))
                    if v.is_empty()
                        && matches!(
                            (spec.name, attr.as_str()),
                            ("aor", "contact") | ("registration", "outbound_auth")
                        ) =>
                {
                    out.push((attr.clone(), String::new()))
                }
                Some(Val::Many(v)) => out.extend(v.iter().map(|s| (attr.clone(), s.clone()))),
                Some(Val::Codecs(c)) => out.push((attr.clone(), render_codecs(c))),
                // Each variable is rendered as an attribute of its own, which cannot be parsed back.
                Some(Val::Vars(vars)) => out.extend(vars.iter().cloned()),
                None => match spec.option(attr).and_then(|o| o.unset.clone()) {
                    Some(u) if !is_placeholder(spec.name, attr) => out.push((attr.clone(), u)),
                    _ if attr == "allow" => out.push((attr.clone(), "(nothing)".into())),
                    _ if is_placeholder(spec.name, attr) => out.push((attr.clone(), String::new())),
                    _ => {}
                },
            }
        }
        out
    }

    /// The rendering of a single-valued option (stored, or its default when unset).
    fn render_one(&self, spec: &TypeSpec, attr: &str) -> String {
        match self.vals.get(attr) {
            Some(Val::One(s)) => s.clone(),
            _ => spec
                .option(attr)
                .and_then(|o| o.unset.clone())
                .unwrap_or_default(),
        }
    }

    /// The object made again from its own rendering: what a PUT on an existing object starts from
    /// (`for_update`), and what loading from astdb at a start makes. A rendered value that cannot be
    /// parsed back makes the copy fail (500 "Allocation failed"; at a start, the object is not loaded).
    pub fn copy_through_rendering(
        &self,
        spec: &TypeSpec,
        for_update: bool,
    ) -> Result<Obj, Failure> {
        if spec.name == "phoneprov" {
            return Ok(self.clone());
        }
        let mut copy = Obj::default();
        for (attr, value) in self.render(spec) {
            if for_update && unchecked_on_update(spec, &attr, &value) {
                copy.set_as_given(spec, &attr, &value);
                continue;
            }
            copy.apply(spec, &attr, &value).map_err(|_| {
                tracing::debug!(%attr, %value, "rendered value does not parse back");
                Failure::Allocation
            })?;
        }
        // The copy has the list's container even when it is empty, and an empty container renders as
        // one empty attribute: an aor without contacts shows `contact: ""` after its first update, a
        // registration without outbound_auth `outbound_auth: ""`.
        for (ty, list) in [("aor", "contact"), ("registration", "outbound_auth")] {
            if spec.name == ty {
                copy.vals
                    .entry(list.to_string())
                    .or_insert_with(|| Val::Many(Vec::new()));
            }
        }
        Ok(copy)
    }

    /// The comma-separated names in a scalar option (endpoint `aors`).
    pub fn list(&self, attr: &str) -> Vec<String> {
        match self.vals.get(attr) {
            Some(Val::One(s)) => s
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            Some(Val::Many(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    /// Stores `value` for a known option exactly as sent, without its checks (see the caller's reason).
    pub fn set_as_given(&mut self, spec: &TypeSpec, attr: &str, value: &str) {
        if let Some(opt) = spec.option(attr) {
            self.vals
                .insert(opt.name.clone(), Val::One(value.to_string()));
        }
    }

    /// A global object's `default_auth_algorithms_uas` and `_uac` as an auth takes them: each known name
    /// in its canonical spelling (`md5,sha-256` -> `MD5,SHA-256`); unset or unknown -> `MD5`.
    pub fn global_auth_algorithms(&self) -> [String; 2] {
        ["default_auth_algorithms_uas", "default_auth_algorithms_uac"].map(|k| {
            let names: Option<Vec<&str>> = self
                .get(k)
                .unwrap_or("MD5")
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    DIGEST_ALGORITHMS
                        .iter()
                        .copied()
                        .find(|d| d.eq_ignore_ascii_case(a))
                })
                .collect();
            match names {
                Some(n) if !n.is_empty() => n.join(","),
                _ => "MD5".to_string(),
            }
        })
    }

    /// A new auth that names no algorithms gets `defaults` (UAS, UAC) where they are not plain MD5.
    pub fn default_algorithms(&mut self, defaults: &[String; 2]) {
        for (k, d) in ["supported_algorithms_uas", "supported_algorithms_uac"]
            .into_iter()
            .zip(defaults)
        {
            if d != "MD5" && !self.vals.contains_key(k) {
                self.vals.insert(k.to_string(), Val::One(d.clone()));
            }
        }
    }

    /// A scalar option's stored value.
    pub fn get(&self, attr: &str) -> Option<&str> {
        match self.vals.get(attr) {
            Some(Val::One(s)) => Some(s),
            _ => None,
        }
    }
}

/// Values that only a registration's apply handler checks: it runs when the object is created (and
/// when astdb loads it at a start) but not when ARI updates it or copies it to update it. So
/// `outbound_proxy=bogus-value`, `server_uri=sips:example.com` or `expiration=0` are refused at
/// creation and stored as sent on update, as recorded.
pub fn unchecked_on_update(spec: &TypeSpec, attr: &str, value: &str) -> bool {
    spec.name == "registration"
        && !value.is_empty()
        && value.len() <= 255
        && spec.option(attr).is_some_and(|o| match o.name.as_str() {
            "server_uri" | "client_uri" | "outbound_proxy" => true,
            // Measured as refused with no parse error logged: the apply handler's check.
            "expiration" => value.trim() == "0",
            _ => false,
        })
}

/// Options the measurements always set (the minimal fields), so their recorded "unset" value is not one.
fn is_placeholder(type_name: &str, attr: &str) -> bool {
    matches!(
        (type_name, attr),
        ("auth", "username" | "password")
            | ("identify", "endpoint" | "match")
            | ("domain_alias", "domain")
            | ("registration", "server_uri" | "client_uri")
            | ("outbound-publish", "server_uri" | "event")
            | ("contact", "uri")
            | ("endpoint", "allow")
    )
}

/// `Name <number>` renders as `"Name" <number>`, `<number>` as `number`; each part is cut at 79 characters.
/// An unset callerid renders `<unknown>`, which parses back as the number `unknown`.
fn callerid(value: &str) -> String {
    let cut = |s: &str| s.chars().take(79).collect::<String>();
    match (value.find('<'), value.rfind('>')) {
        (Some(l), Some(r)) if l < r => {
            let name = cut(value[..l].trim().trim_matches('"').trim());
            let number = cut(value[l + 1..r].trim());
            match (name.is_empty(), number.is_empty()) {
                (true, _) => number,
                (false, true) => name,
                (false, false) => format!("\"{name}\" <{number}>"),
            }
        }
        _ if value.trim().is_empty() => "<unknown>".into(),
        _ => cut(value.trim()),
    }
}

fn render_codecs(c: &[String]) -> String {
    if c.is_empty() {
        "(nothing)".into()
    } else {
        format!("({})", c.join("|"))
    }
}
