//! Entry point of the WASM client: hydrate the server-rendered page, loading route chunks lazily.

/// Called by the hydration script the server puts in every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Development builds print panics to the console with their message; the release client
    // leaves the hook (and the panic formatting it pulls in) out: a panic there shows as a
    // WASM `unreachable` error, and the server log and the e2e tests carry the details.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(trellis_frontend::App);
}
