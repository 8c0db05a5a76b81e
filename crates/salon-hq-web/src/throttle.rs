//! Brute-force protection in memory: failed logins and enrolments are counted per client
//! address (and per known browser), and a key with too many recent failures is refused for a
//! while. An account's own failures are counted in the database instead (`salon_hq_store::logins`), so
//! nothing here can push them out.
//!
//! - Login: 20 failures from one client address within 15 minutes lock that address for 15
//!   minutes; tries of names that belong to no account share one counter per address (5
//!   within 15 minutes lock it), so a flood of made-up names takes one key per address, not
//!   one per name. (A browser that logged in to the account before is counted in the
//!   database, on its own.) While locked, the password is not even checked, so a right guess
//!   gains nothing.
//! - Enrolment: 10 refused codes from one client address within 15 minutes lock that address
//!   for 15 minutes.
//!
//! An attempt is counted from the moment it starts (see [`Attempt`]), so many attempts sent at
//! once cannot all be checked before the first failures are recorded. Admin names are kept
//! only as SHA-256 hashes; IPv6 addresses are counted per /64 (what one client usually holds).
//! Nothing here is logged. At most [`MAX_KEYS`] keys are tracked: stale ones are dropped
//! first, then the least recently seen (unlocked before locked).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};

/// How many failures within `window_secs` lock a key, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max_failures: usize,
    pub window_secs: i64,
    pub lock_secs: i64,
}

/// Tries of names that belong to no account, from one address.
pub const LOGIN_PER_NAME: Limit = Limit {
    max_failures: 5,
    window_secs: 15 * 60,
    lock_secs: 15 * 60,
};

pub const LOGIN_PER_PEER: Limit = Limit {
    max_failures: 20,
    window_secs: 15 * 60,
    lock_secs: 15 * 60,
};

pub const ENROL_PER_PEER: Limit = Limit {
    max_failures: 10,
    window_secs: 15 * 60,
    lock_secs: 15 * 60,
};

/// Survey answers from one address: every answer counts, not only failures (a staff room
/// shares one address, so the limit leaves room for a whole staff).
pub const SURVEY_PER_PEER: Limit = Limit {
    max_failures: 30,
    window_secs: 60 * 60,
    lock_secs: 60 * 60,
};

/// Survey forms opened from one address: each opening counts (a staff room opens a form for
/// each of its teachers, some twice).
pub const SURVEY_OPENS_PER_PEER: Limit = Limit {
    max_failures: 300,
    window_secs: 60 * 60,
    lock_secs: 60 * 60,
};

/// Survey answers through one link (one campus's teachers).
pub const SURVEY_PER_LINK: Limit = Limit {
    max_failures: 200,
    window_secs: 60 * 60,
    lock_secs: 60 * 60,
};

/// The most keys tracked at once.
pub const MAX_KEYS: usize = 10_000;

/// What is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// Tries of names that belong to no account, from one client address.
    LoginUnknown(IpAddr),
    LoginPeer(IpAddr),
    EnrolPeer(IpAddr),
    SurveyPeer(IpAddr),
    SurveyOpenPeer(IpAddr),
    SurveyLink(i64),
}

impl Key {
    pub(crate) fn login_unknown(ip: IpAddr) -> Key {
        Key::LoginUnknown(peer(ip))
    }

    pub(crate) fn login_peer(ip: IpAddr) -> Key {
        Key::LoginPeer(peer(ip))
    }

    pub(crate) fn enrol_peer(ip: IpAddr) -> Key {
        Key::EnrolPeer(peer(ip))
    }

    pub(crate) fn survey_peer(ip: IpAddr) -> Key {
        Key::SurveyPeer(peer(ip))
    }

    pub(crate) fn survey_open(ip: IpAddr) -> Key {
        Key::SurveyOpenPeer(peer(ip))
    }

    pub(crate) fn survey_link(link: i64) -> Key {
        Key::SurveyLink(link)
    }

    fn limit(&self) -> Limit {
        match self {
            Key::LoginUnknown(_) => LOGIN_PER_NAME,
            Key::LoginPeer(_) => LOGIN_PER_PEER,
            Key::EnrolPeer(_) => ENROL_PER_PEER,
            Key::SurveyPeer(_) => SURVEY_PER_PEER,
            Key::SurveyOpenPeer(_) => SURVEY_OPENS_PER_PEER,
            Key::SurveyLink(_) => SURVEY_PER_LINK,
        }
    }
}

/// An IPv4 address as is (IPv4-mapped IPv6 included); an IPv6 address by its /64.
fn peer(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[derive(Debug, Default)]
struct Entry {
    /// Failures within the window, oldest first; emptied when the key locks.
    failures: Vec<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
    /// Attempts started and not yet finished.
    in_flight: usize,
    last_seen: Option<DateTime<Utc>>,
}

impl Entry {
    fn prune(&mut self, now: DateTime<Utc>, limit: Limit) {
        let window = Duration::seconds(limit.window_secs);
        self.failures.retain(|t| now - *t < window);
        if self.locked_until.is_some_and(|until| until <= now) {
            self.locked_until = None;
        }
    }

    fn is_idle(&self) -> bool {
        self.failures.is_empty() && self.locked_until.is_none() && self.in_flight == 0
    }

    /// Seconds until this key would take an attempt again, if it would not now.
    fn refusal(&self, now: DateTime<Utc>, limit: Limit) -> Option<i64> {
        if let Some(until) = self.locked_until {
            return Some((until - now).num_seconds().max(1));
        }
        if self.failures.len() + self.in_flight >= limit.max_failures {
            // Attempts still running could lock the key; the oldest failure leaves the window
            // at the latest by then.
            let wait = self
                .failures
                .first()
                .map(|t| (*t + Duration::seconds(limit.window_secs) - now).num_seconds())
                .unwrap_or(1);
            return Some(wait.max(1));
        }
        None
    }
}

/// Refused: too many recent failures; try again after `retry_after_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after_secs: i64,
}

/// The failure counts. Shared by every request (see `ServerState::throttle`).
#[derive(Debug)]
pub struct Throttle {
    entries: Mutex<HashMap<Key, Entry>>,
    max_keys: usize,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::with_max_keys(MAX_KEYS)
    }
}

impl Throttle {
    pub fn with_max_keys(max_keys: usize) -> Throttle {
        Throttle {
            entries: Mutex::new(HashMap::new()),
            max_keys: max_keys.max(1),
        }
    }

    /// How many keys are tracked now.
    pub fn tracked_keys(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an attempt counted under every key, or refuses it if any key is locked or
    /// already has as many failures (and attempts running) as its limit allows.
    pub(crate) fn begin(
        self: &Arc<Self>,
        keys: Vec<Key>,
        now: DateTime<Utc>,
    ) -> Result<Attempt, Refused> {
        let mut map = self.lock();
        let mut wait = None;
        for key in &keys {
            let limit = key.limit();
            if let Some(e) = map.get_mut(key) {
                e.prune(now, limit);
                if let Some(w) = e.refusal(now, limit) {
                    wait = Some(wait.unwrap_or(0).max(w));
                }
            }
        }
        if let Some(retry_after_secs) = wait {
            return Err(Refused { retry_after_secs });
        }
        for key in &keys {
            if !map.contains_key(key) {
                self.make_room(&mut map, now);
            }
            let e = map.entry(key.clone()).or_default();
            e.in_flight += 1;
            e.last_seen = Some(now);
        }
        Ok(Attempt {
            throttle: self.clone(),
            keys,
            started: now,
            finished: false,
        })
    }

    /// Keeps the map under `max_keys`: drops idle keys, then the least recently seen (those not
    /// locked first), down to nine tenths of the cap so this runs rarely.
    fn make_room(&self, map: &mut HashMap<Key, Entry>, now: DateTime<Utc>) {
        if map.len() < self.max_keys {
            return;
        }
        map.retain(|k, e| {
            e.prune(now, k.limit());
            !e.is_idle()
        });
        let keep = self.max_keys - self.max_keys / 10 - 1;
        if map.len() <= keep {
            return;
        }
        let mut order: Vec<(bool, bool, Option<DateTime<Utc>>, Key)> = map
            .iter()
            .map(|(k, e)| {
                let locked = e.locked_until.is_some();
                (locked, e.in_flight > 0, e.last_seen, k.clone())
            })
            .collect();
        order.sort_by_key(|a| (a.0, a.1, a.2));
        let excess = map.len() - keep;
        for (_, _, _, k) in order.into_iter().take(excess) {
            map.remove(&k);
        }
    }

    fn finish(&self, keys: &[Key], succeeded: bool, now: DateTime<Utc>) {
        let mut map = self.lock();
        for key in keys {
            let limit = key.limit();
            if !map.contains_key(key) {
                // Dropped to make room while the attempt ran.
                if succeeded {
                    continue;
                }
                self.make_room(&mut map, now);
            }
            let e = map.entry(key.clone()).or_default();
            e.in_flight = e.in_flight.saturating_sub(1);
            e.last_seen = Some(now);
            e.prune(now, limit);
            // A success forgives nothing here: an address keeps its count (an account's own
            // failures are forgiven in the store).
            if !succeeded {
                e.failures.push(now);
                if e.failures.len() >= limit.max_failures {
                    e.failures.clear();
                    e.locked_until = Some(now + Duration::seconds(limit.lock_secs));
                }
            }
            if e.is_idle() {
                map.remove(key);
            }
        }
    }
}

/// An attempt under way. Say how it ended with [`Attempt::succeeded`] or [`Attempt::failed`];
/// one dropped unfinished (the client went away) counts as failed.
#[derive(Debug)]
pub(crate) struct Attempt {
    throttle: Arc<Throttle>,
    keys: Vec<Key>,
    started: DateTime<Utc>,
    finished: bool,
}

impl Attempt {
    pub(crate) fn succeeded(mut self, now: DateTime<Utc>) {
        self.finished = true;
        self.throttle.finish(&self.keys, true, now);
    }

    pub(crate) fn failed(mut self, now: DateTime<Utc>) {
        self.finished = true;
        self.throttle.finish(&self.keys, false, now);
    }

    /// Ends the attempt without counting it either way (it was not a guess, e.g. a malformed
    /// request or a storage error).
    pub(crate) fn abandon(mut self) {
        self.finished = true;
        let mut map = self.throttle.lock();
        for key in &self.keys {
            if let Some(e) = map.get_mut(key) {
                e.in_flight = e.in_flight.saturating_sub(1);
                if e.is_idle() {
                    map.remove(key);
                }
            }
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.finished {
            self.throttle.finish(&self.keys, false, self.started);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_740_000_000, 0).unwrap()
    }

    fn mins(m: i64) -> Duration {
        Duration::minutes(m)
    }

    /// Tries of unknown names from the address numbered `n`.
    fn unknown(n: u32) -> Key {
        Key::login_unknown(IpAddr::V4(std::net::Ipv4Addr::from(n)))
    }

    #[test]
    fn five_tries_of_unknown_names_lock_an_address_for_fifteen_minutes() {
        let t = Arc::new(Throttle::default());
        let name = || vec![unknown(1)];
        for i in 0..5 {
            t.begin(name(), t0() + mins(i))
                .unwrap()
                .failed(t0() + mins(i));
        }
        let r = t.begin(name(), t0() + mins(5)).unwrap_err();
        assert_eq!(r.retry_after_secs, 15 * 60 - 60);
        t.begin(vec![unknown(2)], t0() + mins(5)).unwrap().abandon();
        assert!(t
            .begin(name(), t0() + mins(18) + Duration::seconds(59))
            .is_err());
        t.begin(name(), t0() + mins(19))
            .unwrap()
            .succeeded(t0() + mins(19));
        assert_eq!(t.tracked_keys(), 0, "idle keys are dropped");
    }

    #[test]
    fn failures_outside_the_window_do_not_count_and_a_success_forgives_nothing() {
        let t = Arc::new(Throttle::default());
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let keys = || vec![unknown(1), Key::login_peer(ip)];
        for i in 0..4 {
            t.begin(keys(), t0() + mins(i))
                .unwrap()
                .failed(t0() + mins(i));
        }
        // Half a minute after the first failure has left the window: three remain.
        let late = t0() + mins(15) + Duration::seconds(30);
        t.begin(keys(), late).unwrap().failed(late);
        assert!(t.begin(keys(), late).is_ok_and(|a| {
            a.failed(late);
            true
        }));
        assert!(t.begin(keys(), late).is_err(), "five within the window");

        let t = Arc::new(Throttle::default());
        for _ in 0..4 {
            t.begin(keys(), t0()).unwrap().failed(t0());
        }
        t.begin(keys(), t0()).unwrap().succeeded(t0());
        let map = t.lock();
        assert_eq!(map[&unknown(1)].failures.len(), 4);
        assert_eq!(
            map[&Key::login_peer(ip)].failures.len(),
            4,
            "the address keeps its count"
        );
    }

    #[test]
    fn attempts_running_at_once_count_before_they_finish() {
        let t = Arc::new(Throttle::default());
        let key = || vec![unknown(1)];
        let running: Vec<Attempt> = (0..5).map(|_| t.begin(key(), t0()).unwrap()).collect();
        assert!(t.begin(key(), t0()).is_err());
        for a in running {
            drop(a); // unfinished counts as failed
        }
        assert!(t.lock()[&unknown(1)].locked_until.is_some());
        // A malformed request is not a guess.
        let t = Arc::new(Throttle::default());
        t.begin(key(), t0()).unwrap().abandon();
        assert_eq!(t.tracked_keys(), 0);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Key::enrol_peer(a), Key::enrol_peer(b));
        assert_ne!(Key::enrol_peer(a), Key::enrol_peer(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(Key::enrol_peer(mapped), Key::enrol_peer(v4));
        assert_ne!(Key::enrol_peer(v4), Key::login_peer(v4));
    }

    #[test]
    fn the_number_of_keys_is_capped_and_locked_keys_are_kept_longest() {
        let t = Arc::new(Throttle::with_max_keys(100));
        let locked = || vec![unknown(0)];
        for _ in 0..5 {
            t.begin(locked(), t0()).unwrap().failed(t0());
        }
        for i in 0..1_000 {
            let now = t0() + Duration::milliseconds(i);
            t.begin(vec![unknown(10 + i as u32)], now)
                .unwrap()
                .failed(now);
            assert!(t.tracked_keys() <= 100);
        }
        assert!(t.begin(locked(), t0() + mins(1)).is_err());
        // The most recent keys are still counted.
        assert!(t.lock().contains_key(&unknown(1009)));
    }
}
