mod change_role;
mod invite_user;
mod list_users;
mod set_user_enabled;
pub use change_role::*;
pub use invite_user::*;
pub use list_users::*;
pub use set_user_enabled::*;
