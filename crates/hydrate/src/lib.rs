//! Entry point of the WASM client: hydrate the server-rendered page, loading route chunks lazily.

/// Called by the hydration script the server puts in every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(trellis_frontend::App);
}
