//! Reusable pieces of the design system: layout, navigation, page header, theme switch.

pub mod layout;
pub mod theme;
