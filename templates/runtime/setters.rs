//! The setters of the models and request builders, written once.
//!
//! Every struct has a `with_<field>` setter per field, so a value (a request body, or a response
//! built as test data) is one expression: the structs are `#[non_exhaustive]`, which rules out struct
//! literals outside the crate; every request builder has one per optional parameter. They are
//! declared as `setters! { impl Name { .. } }`, each setter its doc comment and
//! `pub fn with_x(value: T) { x = Some(value); }`: one line of code where the written-out method
//! takes five, for thousands of setters (6,907 in the whole Atlas API). A model's field setter says
//! only which field it sets, the same sentence every time, so it is written `sets "wireName" pub fn
//! ..` and the macro writes that sentence as its doc: one line per setter instead of two (5,551 in
//! the whole Atlas API). The expansion is the method written out, so the public API and rustdoc are
//! the same.

/// `pub fn with_x(mut self, value: T) -> Self { self.x = <expression>; self }` for each
/// `pub fn with_x(value: T) { x = <expression>; }` (or `pub fn with_x_null() { x = Nullable::Null; }`)
/// of the block, with its doc comment, in one inherent `impl` of `$name`. A setter written
/// `sets "wireName" pub fn ..` gets the doc "Sets `wireName` and returns the value, for building it
/// in one expression."
macro_rules! setters {
    (
        impl $(<$lifetime:lifetime>)? $name:ident $(<$argument:lifetime>)? {
            $(
                $(#[$doc:meta])*
                $(sets $wire:literal)?
                pub fn $method:ident($($value:ident: $arg:ty)?) { $member:ident = $assigned:expr; }
            )*
        }
    ) => {
        impl $(<$lifetime>)? $name $(<$argument>)? {
            $(
                $(#[$doc])*
                $(#[doc = concat!("Sets `", $wire, "` and returns the value, for building it in one expression.")])?
                pub fn $method(mut self, $($value: $arg)?) -> Self {
                    self.$member = $assigned;
                    self
                }
            )*
        }
    };
}
