//! Running page work: `Action::new_local` with the action's future boxed (leptos' code for running an
//! action is then made once per output type instead of once per action, which measured 0.6 KB of the
//! panel's first download), and a wait on the browser's timer.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

pub fn action<I: 'static, O: 'static, Fut: Future<Output = O> + 'static>(
    run: impl Fn(&I) -> Fut + 'static,
) -> Action<I, O> {
    Action::new_local(move |i: &I| -> Pin<Box<dyn Future<Output = O>>> { Box::pin(run(i)) })
}

/// Resolves after `ms` milliseconds (the browser's timer): for a page that waits before it asks again.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |done, _| {
        let _ = leptos::prelude::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&done, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
