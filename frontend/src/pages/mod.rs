pub mod audit;
pub mod home;
pub mod not_found;
pub mod object;
pub mod type_page;
