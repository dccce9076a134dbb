//! `src/defaults.rs`: the values the runtime takes from the spec instead of hard-coding Atlas' (the
//! default base URL from `servers`, the OAuth2 token URL from the client-credentials scheme).

use crate::ir::{Api, SecurityKind};
use proc_macro2::TokenStream;
use quote::quote;

/// The module's tokens.
pub(crate) fn module(api: &Api) -> TokenStream {
    let base_url = api.base_url.as_str();
    let token_url = api.security.iter().find_map(|s| match &s.kind {
        SecurityKind::OAuth2ClientCredentials { token_url } => Some(token_url.as_str()),
        _ => None,
    });
    let token_url = match token_url {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    quote! {
        //! Defaults taken from the API description.

        /// The first server URL of the spec (empty when it lists none): where requests go unless
        /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) says otherwise.
        pub(crate) const BASE_URL: &str = #base_url;

        /// The token URL of the spec's OAuth2 client-credentials scheme, if it declares one.
        pub(crate) const TOKEN_URL: Option<&str> = #token_url;
    }
}
