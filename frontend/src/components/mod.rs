pub mod codec_picker;
pub mod diff_dialog;
pub mod error_box;
pub mod list_editor;
pub mod object_form;
pub mod open_object;
pub mod option_input;
pub mod status_bar;
