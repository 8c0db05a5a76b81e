//! The enumerated codes that cross the wire: how a salon is held, how a student came, what a
//! visit was about, and the path a student decided. Each has a stable snake_case code (stored in
//! SQLite, sent to headquarters and to the UI) and the Japanese term from the NPO's own account
//! in its doc comment; the UI's catalogue holds the labels.

/// Declares an enumerated code: a stable snake_case code for each value (stored, sent, shown
/// to the UI), `ALL` in the order the UI lists them, and serde by that code.
#[macro_export]
#[doc(hidden)]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every value, in the order the UI lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored and sent to the UI.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The value for a stored code, if it is one.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

code_enum! {
    /// How a salon is held (形式).
    Format {
        /// 対面
        InPerson = "in_person",
        /// オンライン
        Online = "online",
    }
}

code_enum! {
    /// How a student came to the salon (来談経路).
    Route {
        /// 自発: came by themselves.
        SelfReferred = "self",
        /// 教員紹介: referred by a teacher.
        Teacher = "teacher",
        /// 声かけ: approached by the supporter (学校内アウトリーチ).
        Outreach = "outreach",
        /// 予約: a booked appointment.
        Appointment = "appointment",
        /// 継続: a repeat visit.
        Repeat = "repeat",
    }
}

code_enum! {
    /// What a visit was about (相談内容). A visit has one or more.
    Topic {
        /// 進学
        FurtherStudy = "further_study",
        /// 就職・求人検索
        JobSearch = "job_search",
        /// 応募書類・面接準備
        ApplicationPrep = "application_prep",
        /// アルバイト
        PartTime = "part_time",
        /// 家庭のこと
        Family = "family",
        /// 学校生活
        SchoolLife = "school_life",
        /// 友人関係
        Friends = "friends",
        /// 心身の不調
        Wellbeing = "wellbeing",
        /// 将来が分からない
        UnsureFuture = "unsure_future",
        /// その他
        Other = "other",
    }
}

code_enum! {
    /// A student's path after school (進路). The mission: nobody graduates 未定.
    PathStatus {
        /// 未定
        Undecided = "undecided",
        /// 進学決定
        FurtherStudy = "further_study",
        /// 就職決定
        Employment = "employment",
        /// その他決定
        Other = "other",
    }
}

impl Topic {
    /// 家庭のこと and 心身の不調: the latter is health information (要配慮個人情報), the former
    /// sensitive for minors though not itself 要配慮; both under the strictest rules.
    pub fn is_sensitive(self) -> bool {
        matches!(self, Topic::Family | Topic::Wellbeing)
    }

    /// The sensitive topics, in catalogue order: released per device and period with the path
    /// decisions, never per month.
    pub const SENSITIVE: &'static [Topic] = &[Topic::Family, Topic::Wellbeing];

    /// The other topics, in catalogue order: the topic cells of a month's release.
    pub const MONTHLY: &'static [Topic] = &[
        Topic::FurtherStudy,
        Topic::JobSearch,
        Topic::ApplicationPrep,
        Topic::PartTime,
        Topic::SchoolLife,
        Topic::Friends,
        Topic::UnsureFuture,
        Topic::Other,
    ];
}

impl PathStatus {
    /// The decided paths, in order: the cells of a month's path decisions.
    pub const DECIDED: &'static [PathStatus] = &[
        PathStatus::FurtherStudy,
        PathStatus::Employment,
        PathStatus::Other,
    ];

    /// Whether the path is decided, so a decision date belongs with it.
    pub fn is_decided(self) -> bool {
        self != PathStatus::Undecided
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for t in Topic::ALL {
            assert_eq!(Topic::from_code(t.code()), Some(*t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.code());
        }
        for r in Route::ALL {
            assert_eq!(Route::from_code(r.code()), Some(*r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        }
        assert_eq!(Topic::ALL.len(), 10);
        let split = |sensitive: bool| -> Vec<Topic> {
            Topic::ALL
                .iter()
                .copied()
                .filter(|t| t.is_sensitive() == sensitive)
                .collect()
        };
        assert_eq!(split(true), Topic::SENSITIVE);
        assert_eq!(split(false), Topic::MONTHLY);
        assert_eq!(Route::from_code("自発"), None);
    }
}

code_enum! {
    /// The kinds of event the NPO runs (関連活動).
    EventKind {
        /// オンライン職業講話: online, one talk reaches students of many campuses.
        CareerTalk = "career_talk",
        /// キャリア教育ガイダンス・イベント
        CareerGuidance = "career_guidance",
        /// 保護者向けセミナー
        ParentSeminar = "parent_seminar",
        /// キャリアサポーター育成講習
        SupporterTraining = "supporter_training",
        /// 交流会
        Exchange = "exchange",
    }
}
