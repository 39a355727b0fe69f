//! `Action::new_local` with the action's future boxed: leptos' code for running an action is then made
//! once per output type instead of once per action, which measured 0.6 KB of the panel's first download.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

pub fn action<I: 'static, O: 'static, Fut: Future<Output = O> + 'static>(
    run: impl Fn(&I) -> Fut + 'static,
) -> Action<I, O> {
    Action::new_local(move |i: &I| -> Pin<Box<dyn Future<Output = O>>> { Box::pin(run(i)) })
}
