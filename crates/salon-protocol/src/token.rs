//! The device token: the one secret that crosses the wire.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// The token headquarters gives a device at enrolment and the device sends with every call.
/// Its `Debug` never shows it, and its memory is wiped when it is dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceToken(String);

impl DeviceToken {
    pub fn new(token: String) -> DeviceToken {
        DeviceToken(token)
    }
}

impl From<&str> for DeviceToken {
    fn from(token: &str) -> DeviceToken {
        DeviceToken(token.to_owned())
    }
}

impl Deref for DeviceToken {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(..)")
    }
}

impl Drop for DeviceToken {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}
