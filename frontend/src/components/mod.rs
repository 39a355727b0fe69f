pub mod error_box;
pub mod field_editor;
pub mod open_object;
pub mod status_bar;
