//! Sections into typed objects. `pjsip.conf`'s sections name their type (`type = endpoint`);
//! `pjsip_wizard.conf`'s are expanded as `res_pjsip_config_wizard` expands them.

use std::collections::HashMap;

use asterisk_conf::{Config, Files, Place, ReadError, wizard};
use model::validate::{Finding, check_fields};
use model::{Field, ObjectId, ObjectType};

/// One object a static configuration defines.
#[derive(Debug, Clone)]
pub struct StaticObject {
    /// Its type.
    pub ty: ObjectType,
    /// Its id (the section's name; for a wizard, the name it gives).
    pub id: String,
    /// Its fields in the order Asterisk applies them (`type` left out: push configuration names the
    /// type in the URL).
    pub fields: Vec<Field>,
    /// Where each field was written, in the same order.
    pub field_at: Vec<Place>,
    /// Where the object was defined (its section header).
    pub at: Place,
    /// What the catalog says of it: `Ok` with its warnings, or the problems for which it is refused.
    pub outcome: Outcome,
}

/// The catalog's verdict on one object.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It can be pushed; the warnings say what Asterisk would change.
    Ready(Vec<String>),
    /// It cannot, for these reasons, each with where.
    Refused(Vec<(Place, String)>),
}

/// What stays in the files, and why.
#[derive(Debug, Clone)]
pub struct Staying {
    /// Where.
    pub at: Place,
    /// What, and why push configuration cannot hold it.
    pub why: String,
}

/// Everything found in the files.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The objects, in the order they were defined (wizard objects auths first).
    pub objects: Vec<StaticObject>,
    /// What push configuration cannot hold.
    pub staying: Vec<Staying>,
    /// What the reader skipped, as Asterisk would (a line without `=`, an unknown directive).
    pub skipped: Vec<Staying>,
}

impl Found {
    /// How many objects can be pushed.
    pub fn ready(&self) -> usize {
        self.objects
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Ready(_)))
            .count()
    }
}

/// Reads `pjsip.conf` and `pjsip_wizard.conf` of `files` (either may be missing, not both).
pub fn read_files(files: &Files) -> Result<Found, ReadError> {
    let mut found = Found::default();
    let names: Vec<String> = files.names().map(str::to_string).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let mut any = false;
    if has("pjsip.conf") {
        any = true;
        let config = asterisk_conf::read(files, "pjsip.conf")?;
        skipped(&config, &mut found);
        plain(&config, &mut found);
    }
    if has("pjsip_wizard.conf") {
        any = true;
        let config = asterisk_conf::read(files, "pjsip_wizard.conf")?;
        skipped(&config, &mut found);
        wizards(&config, &mut found);
    }
    if !any {
        // One file under another name: read as a pjsip.conf.
        let Some(only) = names.first().filter(|_| names.len() == 1) else {
            return Err(ReadError {
                at: Place {
                    file: names.join(", "),
                    line: 0,
                    column: 0,
                },
                kind: asterisk_conf::ErrorKind::NoFile("pjsip.conf".into()),
            });
        };
        let config = asterisk_conf::read(files, only)?;
        skipped(&config, &mut found);
        plain(&config, &mut found);
    }
    twice(&mut found);
    Ok(found)
}

fn skipped(config: &Config, found: &mut Found) {
    found
        .skipped
        .extend(config.warnings.iter().map(|w| Staying {
            at: w.at.clone(),
            why: w.message.clone(),
        }));
}

/// `pjsip.conf`: each section that is not a template is one object of the type it names.
fn plain(config: &Config, found: &mut Found) {
    for s in config.objects() {
        let Some(ty_name) = s.last("type") else {
            found.staying.push(Staying {
                at: s.at.clone(),
                why: format!(
                    "[{}] has no 'type'; res_pjsip ignores a section without one",
                    s.name
                ),
            });
            continue;
        };
        let Some(ty) = ObjectType::parse(ty_name) else {
            found.staying.push(Staying {
                at: s.at.clone(),
                why: format!(
                    "[{}]: '{ty_name}' is not a PJSIP type Conjure knows",
                    s.name
                ),
            });
            continue;
        };
        if let Some(why) = ty.write_refusal() {
            found.staying.push(Staying {
                at: s.at.clone(),
                why: format!("[{}]: {why}", s.name),
            });
            continue;
        }
        let (fields, field_at): (Vec<Field>, Vec<Place>) = s
            .options
            .iter()
            .filter(|o| !o.name.eq_ignore_ascii_case("type"))
            .map(|o| (Field::new(o.name.clone(), o.value.clone()), o.at.clone()))
            .unzip();
        found
            .objects
            .push(checked(ty, s.name.clone(), fields, field_at, s.at.clone()));
    }
}

/// `pjsip_wizard.conf`: the objects each wizard section makes; what it refuses, and its hints.
fn wizards(config: &Config, found: &mut Found) {
    let expanded = wizard::expand(config);
    for o in expanded.objects {
        let Some(ty) = ObjectType::parse(o.object_type) else {
            continue;
        };
        let (fields, field_at): (Vec<Field>, Vec<Place>) = o
            .fields
            .into_iter()
            .map(|(n, v, at)| (Field::new(n, v), at))
            .unzip();
        found
            .objects
            .push(checked(ty, o.id, fields, field_at, o.at));
    }
    for p in expanded.problems {
        found.staying.push(Staying {
            at: p.at,
            why: p.message,
        });
    }
}

/// The object with the catalog's verdict: the id's own rules, then every field and the object's rules,
/// each problem placed at the line of the field it is about.
fn checked(
    ty: ObjectType,
    id: String,
    fields: Vec<Field>,
    field_at: Vec<Place>,
    at: Place,
) -> StaticObject {
    let mut refused = Vec::new();
    if let Err(e) = ObjectId::new(id.clone()) {
        refused.push((at.clone(), format!("{ty} '{id}': {e}")));
    }
    let findings: Vec<Finding> = check_fields(ty, &fields, true);
    let mut warnings = Vec::new();
    for f in findings {
        let place = f.index.and_then(|i| field_at.get(i)).unwrap_or(&at).clone();
        let what = match &f.attribute {
            Some(a) => format!("{ty} '{id}', {a}: {}", f.message),
            None => format!("{ty} '{id}': {}", f.message),
        };
        if f.is_error() {
            refused.push((place, what));
        } else {
            warnings.push(format!("{place}: {what}"));
        }
    }
    StaticObject {
        outcome: if refused.is_empty() {
            Outcome::Ready(warnings)
        } else {
            Outcome::Refused(refused)
        },
        ty,
        id,
        fields,
        field_at,
        at,
    }
}

/// Two definitions of one object (the same type and id, without `(+)`) are refused both: which one an
/// administrator meant is theirs to say.
fn twice(found: &mut Found) {
    let mut first: HashMap<(ObjectType, String), Place> = HashMap::new();
    let mut dup: Vec<(usize, Place)> = Vec::new();
    for (i, o) in found.objects.iter().enumerate() {
        match first.get(&(o.ty, o.id.clone())) {
            Some(p) => dup.push((i, p.clone())),
            None => {
                first.insert((o.ty, o.id.clone()), o.at.clone());
            }
        }
    }
    for (i, at_first) in dup {
        let o = &mut found.objects[i];
        let why = format!(
            "{} '{}' is defined again (first at {at_first}); merge the two sections, or add to the first with [{}](+)",
            o.ty, o.id, o.id
        );
        o.outcome = Outcome::Refused(vec![(o.at.clone(), why)]);
    }
}
