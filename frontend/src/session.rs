//! Who is signed in, shared with every page so each shows only what the role may do. The backend enforces
//! the same rules; hiding a button only spares people an error.

use leptos::prelude::*;
use model::account::{Me, Role};

#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<Me>>);

pub fn use_session() -> Session {
    expect_context()
}

impl Session {
    fn role(&self) -> Option<Role> {
        self.0.with(|m| m.as_ref().map(|m| m.role))
    }

    /// Makes and changes phone users (provisioners and above).
    pub fn can_provision(&self) -> bool {
        self.role().is_some_and(Role::can_provision)
    }

    /// Sees more than phone users: a provisioner's panel is phone users only.
    pub fn sees_objects(&self) -> bool {
        self.role() != Some(Role::Provisioner)
    }

    pub fn can_edit(&self) -> bool {
        self.role().is_some_and(Role::can_edit)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }
}
