//! Reusable pieces of the design system: layout, navigation, page header, command palette,
//! theme switch.

pub mod layout;
pub mod listen;
pub mod palette;
pub mod theme;
