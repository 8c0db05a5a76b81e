//! The enumerated codes of the salon that stay on the laptop. The codes that also cross the
//! wire (format, route, topic, path) are salon-protocol's, re-exported here.

pub use salon_protocol::{Format, PathStatus, Route, Topic};

salon_protocol::code_enum! {
    /// A student's enrolment (在籍状況).
    Enrolment {
        /// 在籍
        Enrolled = "enrolled",
        /// 休学
        OnLeave = "on_leave",
        /// 卒業
        Graduated = "graduated",
        /// 退学・転学
        Withdrawn = "withdrawn",
    }
}
