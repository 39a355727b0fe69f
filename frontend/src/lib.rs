//! Conjure's panel. One page per file under `pages/`; the typed client to the backend is `api`.

mod act;
pub mod api;
mod app;
mod components;
pub mod form;
mod nav;
mod pages;
pub mod route;
mod session;
mod words;

pub use app::App;

/// Mounts the panel on `<body>`.
pub fn start() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
