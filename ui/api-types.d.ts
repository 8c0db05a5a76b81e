// The types the app's commands take and return, generated from the Rust types
// (src-tauri/src/ui_types.rs). Do not edit: `UPDATE_UI_TYPES=1 cargo test -p salon-tests
// --test ui_types` writes it again.

export type About = {
  /**
   * The installer's version (tauri.conf.json), the one the updater compares.
   */
  version: string,
  /**
   * Where the encrypted database, key file and preferences live (a support call asks).
   */
  dataFolder: string,
};

/**
 * The supporter's month: each campus and the totals.
 */
export type ActivityReport = {
  from: string,
  to: string,
  campuses: Array<CampusActivity>,
  sessions: number,
  sessionMinutes: number,
  visits: number,
  /**
   * Every event of the period, online ones (no campus) included.
   */
  events: number,
  eventParticipants: number,
  /**
   * Online events and their participants (in the totals above, at no campus).
   */
  onlineEvents: number,
  onlineParticipants: number,
};

export type AppStatus = {
  initialized: boolean,
  unlocked: boolean,
  language: string,
  idleMinutes: number,
  /**
   * When the last backup was written (RFC 3339), for the reminder on Today.
   */
  lastBackupAt: string | null,
  /**
   * Backups go to a folder the supporter chose, not the default on this laptop (the
   * first-run list on Today).
   */
  backupFolderChosen: boolean,
};

/**
 * An appointment as stored and shown.
 */
export type Appointment = {
  id: number,
  studentId: number,
  studentName: string,
  campusId: number,
  date: string,
  time: string | null,
  status: AppointmentStatus,
  /**
   * The visit it became, once kept.
   */
  visitId: number | null,
  /**
   * The visit during which it was booked (次回の予約), if any.
   */
  bookedFromVisitId: number | null,
};

/**
 * An appointment as typed (the student's page, or 次回の予約 in the visit form).
 */
export type AppointmentInput = {
  studentId: number,
  date: string,
  time?: string | null,
  bookedFromVisitId?: number | null,
};

/**
 * Where an appointment stands.
 */
export type AppointmentStatus = "booked" | "kept" | "missed";

/**
 * One backup file found in the backup folder.
 */
export type BackupFile = {
  path: string,
  name: string,
  bytes: number,
};

/**
 * What `BACKUP_PROGRESS_EVENT` carries while a backup is written: bytes written of all.
 */
export type BackupProgress = {
  done: number,
  total: number,
};

export type BackupStatus = {
  folder: string,
  lastBackupAt: string | null,
  files: Array<BackupFile>,
};

/**
 * A campus (キャンパス) where the supporter holds a salon on a fixed weekday and time slot.
 */
export type Campus = {
  id: number,
  name: string,
  /**
   * ISO weekday of the salon: 1 = Monday … 7 = Sunday.
   */
  weekday: number,
  startTime: string,
  endTime: string,
  /**
   * The room in the school (開催場所).
   */
  place: string,
  defaultFormat: Format,
  /**
   * The campus code headquarters gives it; filled in when the device is enrolled.
   */
  hqCode: string | null,
};

/**
 * One campus's month in the activity report.
 */
export type CampusActivity = {
  campusId: number,
  campusName: string,
  sessions: number,
  sessionMinutes: number,
  visits: number,
  students: number,
  /**
   * Events held at this campus, and everyone who took part.
   */
  events: number,
  eventParticipants: number,
};

/**
 * Headquarters' code for a campus, e.g. `C-012`: 1 to 20 of `A-Z`, `0-9`, `-`.
 */
export type CampusCode = string;

/**
 * A campus as typed on the Campuses screen.
 */
export type CampusInput = {
  id: number | null,
  name: string,
  weekday: number,
  startTime: string,
  endTime: string,
  place: string,
  defaultFormat: string,
  hqCode: string | null,
};

/**
 * One cell of an exact breakdown: a code and its count.
 */
export type Cell<C> = {
  code: C,
  count: number,
};

/**
 * A campus's figures for one day. Every field is exact.
 */
export type DayCounts = {
  /**
   * Salon sessions held (実施回数).
   */
  sessions: number,
  sessionMinutes: number,
  /**
   * Visits, counted per visit (利用人数・延べ).
   */
  visits: number,
  /**
   * Students with at least one named visit; anonymous visits count towards `visits` only.
   */
  distinctStudents: number,
  firstTimeStudents: number,
  appointmentsBooked: number,
  appointmentsKept: number,
  appointmentsMissed: number,
  events: number,
  eventParticipants: number,
};

/**
 * One campus's figures for one day, as a whole. A higher revision replaces a lower one.
 */
export type DaySnapshot = {
  campus: CampusCode,
  day: string,
  revision: number,
  counts: DayCounts,
};

export type DisclosureWritten = {
  path: string,
};

/**
 * A student's enrolment (在籍状況).
 */
export type Enrolment = "enrolled" | "on_leave" | "graduated" | "withdrawn";

/**
 * An event as stored and shown. `campus_id` None = online.
 */
export type Event = {
  id: number,
  kind: EventKind,
  date: string,
  campusId: number | null,
  title: string,
  students: number,
  parents: number,
  teachers: number,
  supporters: number,
};

/**
 * The events of one kind on one day, and their participants.
 */
export type EventCount = {
  kind: EventKind,
  events: number,
  participants: Participants,
};

/**
 * A day's events, as a whole: at a campus, or (campus `None`) this device's online events. A
 * higher revision replaces a lower one; a day whose events were all removed is sent with no
 * kinds.
 */
export type EventDaySnapshot = {
  campus?: CampusCode | null,
  day: string,
  revision: number,
  /**
   * The kinds held that day, each once, in `EventKind::ALL` order.
   */
  kinds: Array<EventCount>,
};

/**
 * An event as typed on the events screen.
 */
export type EventInput = {
  id: number | null,
  kind: string,
  date: string,
  /**
   * None = online.
   */
  campusId: number | null,
  title: string,
  students: number,
  parents: number,
  teachers: number,
  supporters: number,
};

/**
 * The kinds of event the NPO runs (関連活動).
 */
export type EventKind = "career_talk" | "career_guidance" | "parent_seminar" | "supporter_training" | "exchange";

/**
 * A follow-up (フォロー予定日) or a concern (要連携) from a visit, open or done.
 */
export type FollowUp = {
  visitId: number,
  visitDate: string,
  campusId: number,
  studentId: number | null,
  studentName: string | null,
  followUpOn: string | null,
  concern: boolean,
  nextSteps: string,
  /**
   * When it was marked done (RFC 3339, UTC); None while open.
   */
  doneAt: string | null,
};

/**
 * Today's 要対応: the first few follow-ups and concerns due, and how many are due in all.
 */
export type FollowUpsDue = {
  first: Array<FollowUp>,
  total: number,
};

/**
 * How a salon is held (形式).
 */
export type Format = "in_person" | "online";

/**
 * How much a package holds.
 */
export type HandoverCounts = {
  students: number,
  visits: number,
  /**
   * Visits with a follow-up date or 要連携.
   */
  followUps: number,
  appointments: number,
  drafts: number,
};

/**
 * Why a caseload is handed on.
 */
export type HandoverReason = "transfer" | "cover";

/**
 * One line of the handover record.
 */
export type HandoverRecord = {
  id: string,
  /**
   * `sent` or `taken`.
   */
  direction: string,
  /**
   * `sealed` (waiting for the receipt), `done`, `cover` (kept read-only), `ended` (the
   * cover over) or `cancelled`.
   */
  state: string,
  reason: HandoverReason,
  /**
   * The colleague's laptop, by the name given to its card here.
   */
  colleague: string,
  fingerprint: string,
  campusName: string,
  handedOn: string,
  counts: HandoverCounts,
  createdAt: string,
  settledAt: string | null,
  /**
   * Through headquarters (事務局経由): where it stands on the way (`to_send`, `sent`,
   * `cancel_to_send`, `ended`, `receipt_to_send`, `receipt_sent`); none for a file.
   */
  relayState: string | null,
  /**
   * Why headquarters ended it: `cancelled`, `expired`, `recipient_replaced`, or the code
   * it refused it with.
   */
  relayEnd: string | null,
};

/**
 * What the supporter asks to hand on: to which colleague (a known laptop), confirmed by the
 * fingerprint read from that colleague's screen now; the campus, and some of its students or
 * (none named) all of them; and why.
 */
export type HandoverRequest = {
  colleague: number,
  typedFingerprint: string,
  campusId: number,
  students: Array<number> | null,
  reason: HandoverReason,
};

/**
 * A package sealed and written.
 */
export type HandoverWritten = {
  path: string,
  record: HandoverRecord,
};

/**
 * A snapshot held back because headquarters would refuse it, with the code it would be
 * refused with (`salon_protocol::ErrorCode`, snake_case).
 */
export type HeldBack = {
  campusCode: string,
  /**
   * `day`, `month` or `events`.
   */
  kind: string,
  /**
   * The day (YYYY-MM-DD) or month (YYYY-MM).
   */
  period: string,
  code: string,
};

/**
 * Where this laptop reports, for the settings and sync screens.
 */
export type HqStatus = {
  enrolled: boolean,
  hqUrl: string | null,
  enrolledAt: string | null,
  /**
   * HQ campus codes this device may report for.
   */
  campuses: Array<string>,
};

export type IpcError = {
  /**
   * An app code or headquarters' (`errors.<code>` in the catalogue).
   */
  code: string,
  message: string,
  /**
   * The input the error is about (camelCase, as the UI names its fields).
   */
  field?: string,
  /**
   * The allowed range of `field`, so the message can say it (1〜600, 60文字まで).
   */
  min?: number,
  max?: number,
};

/**
 * The new recovery key, to be shown once.
 */
export type KeysRenewed = {
  recoveryKey: string,
};

/**
 * A colleague's laptop this one knows.
 */
export type KnownLaptop = {
  id: number,
  /**
   * The name its owner gave it (their name, say).
   */
  label: string,
  /**
   * Its twenty-four digits, as the owner's screen shows them.
   */
  fingerprint: string,
  importedAt: string,
};

/**
 * The recipient's choice for a merge offer: the package's student `key` joins the student
 * `student_id` here instead of being made new.
 */
export type Merge = {
  key: number,
  studentId: number,
};

/**
 * A student in the package with the same name as one already at the campus here.
 */
export type MergeOffer = {
  /**
   * The student's number in the package.
   */
  key: number,
  name: string,
  /**
   * The student here with that name.
   */
  studentId: number,
};

/**
 * A calendar month, written `YYYY-MM`.
 */
export type Month = string;

/**
 * A campus's month, exact: its visits and how they were held. Format is about the salon, not
 * the student, so it leaves without noise.
 */
export type MonthBreakdown = {
  /**
   * The month's visits: the sum of its days' visits.
   */
  visits: number,
  /**
   * Visits by format, every format once in order; they add up to `visits`.
   */
  byFormat: Array<Cell<Format>>,
};

/**
 * One release of a campus's month by one device. It has no revision: it is never replaced.
 */
export type MonthRelease = {
  campus: CampusCode,
  month: Month,
  breakdown: NoisyMonthBreakdown,
};

/**
 * One campus's month as it leaves exactly: its visits, by format. A higher revision replaces
 * a lower one. Everything else about a month's visits leaves only under noise
 * ([`MonthRelease`]).
 */
export type MonthSnapshot = {
  campus: CampusCode,
  month: Month,
  revision: number,
  breakdown: MonthBreakdown,
};

/**
 * This laptop's card as its screen shows it.
 */
export type MyCard = {
  /**
   * Twenty-four digits in six groups, to be read to a colleague.
   */
  fingerprint: string,
};

/**
 * A student created from the visit form in the same step as their first visit.
 */
export type NewStudent = {
  displayName: string,
  grade: number | null,
};

/**
 * 次回の予約 typed in the visit form: booked for the visit's student when the visit is saved.
 */
export type NextAppointment = {
  date: string,
  time: string | null,
};

/**
 * One noisy cell: the exact count plus its own draw. It may be negative; it is sent as drawn,
 * because clamping would bias every sum headquarters makes.
 */
export type NoisyCell<C> = {
  code: C,
  count: number,
};

/**
 * A campus's month of visits by route and by topic (the topics of [`Topic::MONTHLY`]; the
 * sensitive ones go per period), every cell under [`NOISE`]. Every code is present, zeros
 * too: a missing cell would tell that it was empty.
 */
export type NoisyMonthBreakdown = {
  release: Release,
  byRoute: Array<NoisyCell<Route>>,
  byTopic: Array<NoisyCell<Topic>>,
};

/**
 * A student on the outreach list (声かけリスト): the latest appointments were missed in a row.
 */
export type OutreachEntry = {
  studentId: number,
  studentName: string,
  campusId: number,
  grade: number | null,
  /**
   * Missed appointments in a row, newest first, since the last kept one or visit.
   */
  misses: number,
  lastMissedOn: string,
  /**
   * The latest visit (a kept appointment is a visit); a no-show is not contact.
   */
  lastContactOn: string | null,
};

/**
 * A package opened for the recipient to decide on: who sent what, and the students already
 * here by the same name at that campus, each offered as a merge.
 */
export type PackageSummary = {
  id: string,
  sender: string,
  fingerprint: string,
  campusName: string,
  reason: HandoverReason,
  handedOn: string,
  expiresAt: string,
  counts: HandoverCounts,
  mergeOffers: Array<MergeOffer>,
};

/**
 * A package taken: its record, and the receipt written for the sender.
 */
export type PackageTaken = {
  record: HandoverRecord,
  receiptPath: string,
};

/**
 * Who took part, by group.
 */
export type Participants = {
  students: number,
  parents: number,
  teachers: number,
  supporters: number,
};

/**
 * One entry of a student's path history.
 */
export type PathChange = {
  status: PathStatus,
  decidedOn: string | null,
  /**
   * The campus the student was at (a decision is counted there, even after a 転校).
   */
  campusId: number | null,
  /**
   * When the change was recorded (RFC 3339, UTC).
   */
  changedAt: string,
};

/**
 * One release of a device's period, all its campuses together: the path decisions, each
 * decided kind (`PathStatus::DECIDED`) with its own draw at [`NOISE`]`.path`, and the
 * sensitive topics. It has no revision: headquarters keeps the first it receives for a key.
 */
export type PathRelease = {
  from: Month,
  to: Month,
  release: Release,
  byPath: Array<NoisyCell<PathStatus>>,
  /**
   * Absent from the releases of a term whose 年度 already has its one term carrying them
   * ([`PathCalendar::sensitive_terms`]).
   */
  sensitive?: SensitiveTopics | null,
};

/**
 * A student's path after school (進路). The mission: nobody graduates 未定.
 */
export type PathStatus = "undecided" | "further_study" | "employment" | "other";

export type Preferences = {
  language: string,
  idleMinutes: number,
  /**
   * The folder backups are written to; the documents folder when unset.
   */
  backupFolder: string | null,
  /**
   * When the last backup was written (RFC 3339, UTC).
   */
  lastBackupAt: string | null,
  /**
   * Notes of students who left more than this many years ago may be purged.
   */
  retentionYears: number,
};

/**
 * What a purge changed.
 */
export type PurgeResult = {
  students: number,
  visits: number,
};

/**
 * Headquarters' answer to an upload.
 */
export type Receipt = {
  /**
   * Snapshots stored: new keys, or a higher revision replacing a lower one.
   */
  stored: number,
  /**
   * Snapshots already held at this revision (a retry or a replay).
   */
  unchanged: number,
  /**
   * Snapshots older than what is held (a reordered upload); ignored.
   */
  stale: number,
};

/**
 * What one pass of the relay did, as the handover screen says it.
 */
export type RelayChecked = {
  /**
   * Packages waiting here now.
   */
  waiting: number,
  /**
   * Handovers this laptop sent that a receipt completed.
   */
  settled: number,
  /**
   * Handovers this laptop sent that headquarters ended or refused.
   */
  ended: number,
  /**
   * Packages for this laptop left at headquarters: too many wait here undecided.
   */
  leftAtHq: number,
};

/**
 * A colleague's laptop as headquarters lists it: whose it is and which campuses. Its
 * fingerprint is never shown from the list; the supporter types the one on the colleague's
 * own screen, and sealing checks it against the listed keys.
 */
export type RelayColleague = {
  device: number,
  supporter: string,
  campuses: Array<string>,
};

/**
 * Sent handovers a sync settled or ended since the supporter last opened 引き継ぎ.
 */
export type RelayNews = {
  /**
   * Taken by the colleague: a transfer's students are gone from here, a cover's read-only.
   */
  settled: number,
  /**
   * Ended without being taken (declined, expired, cancelled at headquarters): the students'
   * records can be written again.
   */
  ended: number,
};

/**
 * A package fetched from headquarters, waiting for the supporter here.
 */
export type RelayedToMe = {
  id: string,
  /**
   * The sender's supporter, as headquarters enrolled them.
   */
  sender: string,
  reason: HandoverReason,
  fetchedAt: string,
  /**
   * Whether the sending laptop is known here; if not, its fingerprint is typed first.
   */
  senderKnown: boolean,
};

/**
 * Which of a month's two releases (7 and 49 days after it ends): each is drawn afresh over
 * the data as it then stands, and each counts in the privacy statement.
 */
export type Release = "first" | "second";

/**
 * A release not drawn yet, named without numbers: a campus month, or a period of the path
 * calendar (`campus` none).
 */
export type ReleaseToDraw = {
  campus: CampusCode | null,
  from: Month,
  to: Month,
  release: Release,
  /**
   * The day it falls due (Asia/Tokyo); it is drawn at the first send on or after it.
   */
  day: string,
  /**
   * Whether that day has come: the next send draws it.
   */
  due: boolean,
};

/**
 * A student whose notes may be purged.
 */
export type RetentionCandidate = {
  studentId: number,
  displayName: string,
  lastVisitOn: string | null,
  visits: number,
};

export type RetentionPreview = {
  years: number,
  candidates: Array<RetentionCandidate>,
};

/**
 * A final-year, enrolled student whose path is still 未定 (進路未定リスト).
 */
export type RiskEntry = {
  studentId: number,
  studentName: string,
  campusId: number,
  grade: number | null,
  /**
   * The latest visit; None = never met, listed first.
   */
  lastContactOn: string | null,
};

/**
 * How a student came to the salon (来談経路).
 */
export type Route = "self" | "teacher" | "outreach" | "appointment" | "repeat";

/**
 * One salon session (サロン実施回): a campus, a day, when it opened and closed.
 */
export type SalonSession = {
  id: number,
  campusId: number,
  date: string,
  openedAt: string,
  closedAt: string | null,
  format: Format,
  place: string,
};

/**
 * A visit that matched.
 */
export type SearchHit = {
  visitId: number,
  date: string,
  campusId: number,
  campusName: string,
  /**
   * None for an anonymous visit (匿名).
   */
  studentId: number | null,
  studentName: string | null,
  route: Route,
  topics: Array<Topic>,
  concern: boolean,
  followUpOn: string | null,
  /**
   * The fields where the terms were found, each cut around its first hit; for a search
   * without text, the beginning of the first field that has something written.
   */
  snippets: Array<Snippet>,
};

/**
 * One page of results, newest first.
 */
export type SearchPage = {
  /**
   * Every visit that matches, across pages; with `total_capped`, at least this many.
   */
  total: number,
  /**
   * Counting stopped at the cap: there are more than `total`.
   */
  totalCapped: boolean,
  offset: number,
  limit: number,
  hits: Array<SearchHit>,
};

/**
 * A search as the search screen sends it. Every field may be left out.
 */
export type SearchQuery = {
  /**
   * Words to find; blank lists the visits under the filters.
   */
  text: string,
  campusId: number | null,
  studentId: number | null,
  /**
   * First day, `YYYY-MM-DD`, inclusive.
   */
  from: string | null,
  /**
   * Last day, `YYYY-MM-DD`, inclusive.
   */
  to: string | null,
  /**
   * A topic code (`part_time`…).
   */
  topic: string | null,
  /**
   * Only visits flagged 要連携.
   */
  concernOnly: boolean,
  /**
   * Only visits with a follow-up date.
   */
  followUpOnly: boolean,
  /**
   * Page size, 1 to [`SEARCH_PAGE_MAX`]; [`SEARCH_PAGE_DEFAULT`] when absent.
   */
  limit: number | null,
  /**
   * Results to skip (paging), 0 or more.
   */
  offset: number | null,
  /**
   * Count every match, past [`SEARCH_COUNT_CAP`] (the supporter asked how many).
   */
  countAll: boolean,
};

/**
 * A run of text; `hit` when it is one of the terms searched for.
 */
export type Segment = {
  text: string,
  hit: boolean,
};

/**
 * The sensitive topics of a period: the named students met in it at the device's campuses,
 * and of them those who came about each sensitive topic (`Topic::SENSITIVE`) at least once,
 * every count with its own draw at [`NOISE`]`.sensitive_topic`. A student moves each cell by
 * at most one however often they came. Anonymous visits are left out: nothing says two are
 * one student, so a student who came ten times without a name would move a cell by ten.
 */
export type SensitiveTopics = {
  /**
   * The students met.
   */
  met: number,
  byTopic: Array<NoisyCell<Topic>>,
};

/**
 * A salon's corrected day, times, format and place, as typed (`YYYY-MM-DD`, `HH:MM`).
 */
export type SessionCorrection = {
  date: string,
  openedAt: string,
  /**
   * Blank while the salon is still open.
   */
  closedAt: string,
  format: string,
  place: string,
};

/**
 * One salon with its visits, and whether it is today's (only today's can be reopened).
 */
export type SessionDetail = {
  session: SalonSession,
  visits: Array<Visit>,
  today: string,
};

/**
 * A salon and how many visits it holds (サロンの記録).
 */
export type SessionRow = {
  visits: number,
  id: number,
  campusId: number,
  date: string,
  openedAt: string,
  closedAt: string | null,
  format: Format,
  place: string,
};

export type SetupDone = {
  recoveryKey: string,
};

/**
 * One shareable line of the teacher report.
 */
export type SharedItem = {
  date: string,
  studentName: string | null,
  /**
   * 先生への共有メモ, as the supporter wrote it for the teachers.
   */
  teacherSummary: string,
  /**
   * 要連携: the school should know and act.
   */
  concern: boolean,
  followUpOn: string | null,
};

/**
 * Part of one field, in segments that are or are not a match.
 */
export type Snippet = {
  /**
   * `note`, `nextSteps` or `teacherSummary`.
   */
  field: string,
  segments: Array<Segment>,
  /**
   * The field goes on before the first segment (show an ellipsis).
   */
  cutBefore: boolean,
  /**
   * The field goes on after the last segment.
   */
  cutAfter: boolean,
};

/**
 * A student (生徒), known by a nickname or display name that never leaves the laptop.
 */
export type Student = {
  id: number,
  displayName: string,
  /**
   * 学年: 1 to 4 (correspondence courses can take four years), or unknown.
   */
  grade: number | null,
  campusId: number,
  enrolment: Enrolment,
  pathStatus: PathStatus,
  /**
   * The day the path was decided; only with a decided status.
   */
  pathDecidedOn: string | null,
  /**
   * How many visits the student has made (computed, not stored).
   */
  visitCount: number,
  /**
   * The date of the latest visit (computed, not stored).
   */
  lastVisitOn: string | null,
};

/**
 * A student as typed on the Students screen.
 */
export type StudentInput = {
  id: number | null,
  displayName: string,
  grade: number | null,
  campusId: number,
  enrolment: string,
  pathStatus: string,
  pathDecidedOn: string | null,
};

/**
 * One page of students, and how many match in all.
 */
export type StudentPage = {
  students: Array<Student>,
  total: number,
  offset: number,
};

export type StudentRecord = {
  student: Student,
  visits: Array<Visit>,
};

/**
 * One line of the local sync log.
 */
export type SyncLogEntry = {
  at: string,
  outcome: string,
  /**
   * The receipt (as JSON) or the error code.
   */
  detail: string,
  payload: string,
};

/**
 * Exactly what the next send would carry.
 */
export type SyncPreview = {
  upload: Upload,
  /**
   * Whether there is nothing to send (`Upload::is_empty`, so the screen need not know
   * every field an upload has).
   */
  empty: boolean,
  /**
   * The JSON as it goes on the wire, pretty-printed.
   */
  json: string,
  /**
   * Snapshots held back because headquarters would refuse them, each with its code.
   */
  heldBack: Array<HeldBack>,
  /**
   * Releases not drawn yet, shown without numbers, each with its day: those due are drawn
   * at the next send.
   */
  toDraw: Array<ReleaseToDraw>,
  /**
   * Releases headquarters already has (drawn in the last two months), as it has them.
   */
  sentReleases: Array<MonthRelease>,
  sentPathReleases: Array<PathRelease>,
};

/**
 * The teacher report for one campus and period.
 */
export type TeacherReport = {
  campus: Campus,
  from: string,
  to: string,
  sessions: number,
  /**
   * Minutes of the closed salons: one still open has no length yet.
   */
  sessionMinutes: number,
  /**
   * Salons of the period still open (開催中), whose time is added when they close.
   */
  openSessions: number,
  visits: number,
  /**
   * Named students (a student who gave no name is counted in `visits` only).
   */
  students: number,
  byRoute: Array<[Route, number]>,
  /**
   * Visits by each topic of `Topic::MONTHLY`, when the period is whole months each full
   * enough ([`topics_shown`]); none otherwise. 家庭のこと and 心身の不調 are never tallied.
   */
  byTopic: Array<[Topic, number]> | null,
  /**
   * The fewest visits, and named students, each month must hold for topics to be tallied.
   */
  topicsMinVisits: number,
  topicsMinStudents: number,
  /**
   * Visits flagged 要連携, with what the supporter wrote for the teachers.
   */
  concerns: Array<SharedItem>,
  /**
   * Every other visit with a summary written for the teachers.
   */
  summaries: Array<SharedItem>,
};

/**
 * The Today screen in one answer.
 */
export type Today = {
  date: string,
  /**
   * 1 = Monday … 7 = Sunday.
   */
  weekday: number,
  campus: Campus | null,
  campuses: Array<Campus>,
  session: SalonSession | null,
  visits: Array<Visit>,
  /**
   * Salons of earlier days still open: forgotten, so the supporter can close them.
   */
  staleSessions: Array<SalonSession>,
};

/**
 * What a visit was about (相談内容). A visit has one or more.
 */
export type Topic = "further_study" | "job_search" | "application_prep" | "part_time" | "family" | "school_life" | "friends" | "wellbeing" | "unsure_future" | "other";

/**
 * The update on offer, as the supporter sees it.
 */
export type UpdateOffer = {
  /**
   * The version offered (1.0.1).
   */
  version: string,
  /**
   * The version running now.
   */
  current: string,
  /**
   * 更新内容 as headquarters sent it, shown as plain text.
   */
  notes: string,
  /**
   * Installing asks for an administrator's password (a .deb, through pkexec).
   */
  asksForPassword: boolean,
};

/**
 * One upload: whole snapshots keyed by (device, campus, day or month). Sending the same
 * upload twice changes nothing.
 */
export type Upload = {
  days: Array<DaySnapshot>,
  months: Array<MonthSnapshot>,
  events?: Array<EventDaySnapshot>,
  /**
   * Campus-months released under noise, each sent as drawn.
   */
  releases?: Array<MonthRelease>,
  /**
   * Periods released under noise, each sent as drawn.
   */
  pathReleases?: Array<PathRelease>,
};

/**
 * A visit (来談) as stored and shown. The note is private: it never leaves the laptop and this
 * type is never part of what is sent to headquarters.
 */
export type Visit = {
  id: number,
  sessionId: number,
  date: string,
  campusId: number,
  /**
   * None for a student who gave no name: still a visit, still counted.
   */
  studentId: number | null,
  studentName: string | null,
  route: Route,
  topics: Array<Topic>,
  minutes: number,
  /**
   * 非公開メモ: private consultation notes.
   */
  note: string,
  /**
   * 次の一歩: next steps agreed with the student.
   */
  nextSteps: string,
  followUpOn: string | null,
  /**
   * 要連携: something the school must know (safeguarding).
   */
  concern: boolean,
  /**
   * 先生への共有メモ: written to be shared with the campus teachers.
   */
  teacherSummary: string,
  /**
   * Taken from a colleague's laptop in a handover (引き継ぎ): that laptop counted it, so a
   * correction here changes nothing at headquarters.
   */
  taken: boolean,
};

/**
 * A visit as typed in the visit form.
 */
export type VisitInput = {
  id: number | null,
  sessionId: number,
  studentId: number | null,
  newStudent: NewStudent | null,
  route: string,
  topics: Array<string>,
  minutes: number,
  note: string,
  nextSteps: string,
  followUpOn: string | null,
  concern: boolean,
  teacherSummary: string,
};

export type VisitSaved = {
  visit: Visit,
  /**
   * The next appointment booked with it (次回の予約), if one was typed.
   */
  nextAppointment: Appointment | null,
};

/**
 * A file written for the colleague.
 */
export type Written = {
  path: string,
};
