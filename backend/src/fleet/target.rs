//! Where an object goes: every enabled server (the default, kept as no entry at all), or a list of
//! `server:<name>` and `group:<name>` entries. The targets that are not "every server" are held in
//! memory (`Targets`) as well as in the `targets` table, so a save looks its target up without
//! asking the database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use model::ObjectType;

use super::{Fleet, Server};

/// Where an object goes: `server:<name>` and `group:<name>` entries.
pub type Target = Arc<[String]>;

/// Why a target names no servers.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("'{0}' is not a target: use server:<name> or group:<name>")]
    Malformed(String),
    #[error("There is no server named '{0}'")]
    NoSuchServer(String),
    #[error("No server is in the group '{0}'")]
    EmptyGroup(String),
}

/// Whether `server` is one of `target`'s.
pub fn includes(target: &[String], server: &Server) -> bool {
    target.iter().any(|t| match t.split_once(':') {
        Some(("server", name)) => name == &*server.name,
        Some(("group", g)) => server.groups.iter().any(|sg| sg == g),
        _ => false,
    })
}

#[derive(Default)]
/// Every object's target, in memory (read on each change; written with the store).
pub struct Targets(RwLock<HashMap<(ObjectType, String), Target>>);

impl Targets {
    /// Where object `ty`/`id` goes; `None`: every server.
    pub fn get(&self, ty: ObjectType, id: &str) -> Option<Target> {
        let map = self.0.read().unwrap_or_else(|p| p.into_inner());
        if map.is_empty() {
            return None;
        }
        map.get(&(ty, id.to_string())).cloned()
    }

    /// Per type, how many objects do not go to `server`.
    pub fn elsewhere(&self, server: &Server) -> HashMap<ObjectType, u64> {
        let map = self.0.read().unwrap_or_else(|p| p.into_inner());
        let mut out = HashMap::new();
        for ((ty, _), t) in map.iter() {
            if !includes(t, server) {
                *out.entry(*ty).or_default() += 1;
            }
        }
        out
    }

    /// How many objects go to `server` and to none of `others`.
    pub fn only_on(&self, server: &Server, others: &[Arc<Server>]) -> usize {
        let map = self.0.read().unwrap_or_else(|p| p.into_inner());
        map.values()
            .filter(|t| includes(t, server) && !others.iter().any(|o| includes(t, o)))
            .count()
    }

    /// Sets (or, with `None`, clears) where object `ty`/`id` goes.
    pub fn set(&self, ty: ObjectType, id: &str, target: Option<Target>) {
        let mut map = self.0.write().unwrap_or_else(|p| p.into_inner());
        match target {
            Some(t) => map.insert((ty, id.to_string()), t),
            None => map.remove(&(ty, id.to_string())),
        };
    }
}

impl Fleet {
    /// Checks a target against the servers there are; `[]` means every server (`None`).
    pub fn check_target(&self, entries: &[String]) -> Result<Option<Target>, TargetError> {
        if entries.is_empty() {
            return Ok(None);
        }
        let all = self.all();
        let mut out: Vec<String> = Vec::new();
        for e in entries {
            let e = e.trim();
            match e.split_once(':') {
                Some(("server", name)) => {
                    if !all.iter().any(|s| &*s.name == name) {
                        return Err(TargetError::NoSuchServer(name.to_string()));
                    }
                }
                Some(("group", g)) => {
                    if !all.iter().any(|s| s.groups.iter().any(|sg| sg == g)) {
                        return Err(TargetError::EmptyGroup(g.to_string()));
                    }
                }
                _ => return Err(TargetError::Malformed(e.to_string())),
            }
            if !out.iter().any(|o| o == e) {
                out.push(e.to_string());
            }
        }
        Ok(Some(out.into()))
    }

    /// The enabled servers an object with `target` goes to.
    pub fn servers_for(&self, target: Option<&[String]>) -> Vec<Arc<Server>> {
        self.all()
            .iter()
            .filter(|s| s.enabled && target.is_none_or(|t| includes(t, s)))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_names_servers_and_groups() {
        let ari = crate::ari::AriClient::new(crate::AriTarget::plain(
            "http://127.0.0.1:9".into(),
            "u",
            "p",
        ))
        .unwrap();
        let fleet = Fleet::single(ari.clone(), Default::default());
        fleet.put(Arc::new(fleet.server(
            "b",
            ari.clone(),
            None,
            vec!["berlin".into()],
            true,
        )));
        fleet.put(Arc::new(fleet.server("c", ari, None, vec![], true)));
        let t = fleet.check_target(&["group:berlin".into(), "server:c".into(), "server:c".into()]);
        let t = t.unwrap().unwrap();
        assert_eq!(t.len(), 2);
        let names: Vec<String> = fleet
            .servers_for(Some(&t))
            .iter()
            .map(|s| s.name.to_string())
            .collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(fleet.servers_for(None).len(), 3);
        assert_eq!(fleet.check_target(&[]), Ok(None));
        assert_eq!(
            fleet.check_target(&["group:paris".into()]),
            Err(TargetError::EmptyGroup("paris".into()))
        );
        assert_eq!(
            fleet.check_target(&["server:x".into()]),
            Err(TargetError::NoSuchServer("x".into()))
        );
        assert!(matches!(
            fleet.check_target(&["b".into()]),
            Err(TargetError::Malformed(_))
        ));
    }
}
