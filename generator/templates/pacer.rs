//! Pacing: when each request of a client (and its clones) may leave, so that together they
//! stay within the limit the server enforces (see [`Pacer`]), and, with the `redis` feature,
//! within the limit a whole fleet shares.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::rate_limit::{RateLimit, RateLimitState, after, policies};

/// The longest window the client ever paces to. A policy over a longer window is a quota (a
/// day's sending, say): the server refuses past it with an error the call returns, and
/// queueing every request for hours would only hide that. The client's `max_retry_wait`
/// lowers it: no single wait for a slot is longer than the longest hold it accepts.
const MAX_WINDOW: Duration = Duration::from_secs(60 * 60);

/// The most departures the pacer remembers. A limit above it is not paced: no client sends
/// that many requests in one window, and the memory stays bounded whatever a server says.
const MAX_TRACKED: usize = 100_000;

/// The most policies besides the main one that the pacer keeps.
const MAX_POLICIES: usize = 4;

/// The slack added to a window before a request may use a slot that an earlier request
/// freed, for the timers and the clocks: a fortieth of the window, at most 50 ms (25 ms for
/// a window of a second). The log itself is conservative: once an answer has come, the
/// request counts from when the answer came, the latest it can have reached the server.
pub(crate) fn margin(window: Duration) -> Duration {
    (window / 40).min(Duration::from_millis(50))
}

/// What a response was, for the pacer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A success, or an error that is not about the rate.
    Other,
    /// 503 Service Unavailable: its `retry-after` holds every request.
    Unavailable,
    /// A refusal for the rate limit (a 429 worth waiting out): its `retry-after`, else its
    /// `ratelimit-reset`, holds every request.
    Refused,
    /// A refusal that waiting cannot fix (a used-up quota): it holds nothing and teaches
    /// nothing.
    Quota,
}

/// Paces the requests of a client and all its clones.
///
/// A request leaves when the window has room: fewer than `requests` requests in the last
/// `window` (plus a small [`margin`]), which is how a server that counts requests in a
/// sliding window sees them, and never more than one that counts per fixed window or per
/// token bucket of the same size allows. The rate starts at the spec's (or the caller's)
/// and follows what the server announces in its headers; a rate the caller set is kept as a
/// ceiling beside it, so the client is never faster than either. The server's word also
/// holds every request when it must: a refusal's `retry-after` (or `ratelimit-reset`), a
/// 503's `retry-after`, or no requests remaining in a window that the client's own requests
/// do not explain (another process sharing the key took them), until `ratelimit-reset`. A
/// hold and the window are two bounds on one departure time, not two waits in a row.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// Whether requests are paced to a rate at all (off with `no_rate_limit`).
    pacing: bool,
    /// The caller's rate: the client never goes faster, whatever the server announces.
    ceiling: Option<RateLimit>,
    follow_headers: bool,
    /// The longest hold taken from headers; a longer one looks like a quota, not a rate.
    max_hold: Duration,
    /// Taken by the request that is next to go, for as long as it waits, so that requests
    /// leave in the order they arrived and each sees holds set while it waited.
    turn: tokio::sync::Mutex<()>,
    /// Wakes the request waiting for its turn when a response lets it leave sooner.
    changed: tokio::sync::Notify,
    state: Mutex<PacerState>,
    /// The limit shared with other clients through Redis, when configured.
    #[cfg(feature = "redis")]
    shared: Option<crate::shared_limit::SharedLimit>,
}

#[derive(Debug, Default)]
struct PacerState {
    /// The rate requests are paced to now, if any.
    rate: Option<RateLimit>,
    /// The server's other policies (`ratelimit-policy: 10;w=1, 100;w=60` gives a rate of 10
    /// per second and, here, 100 per minute): each is kept too.
    also: Vec<RateLimit>,
    /// The requests of the last window, earliest first: when each left, or once its answer
    /// came, when that was.
    sent: VecDeque<Instant>,
    /// No request leaves before this.
    hold_until: Option<Instant>,
    /// Whether the last request's departure time came from the shared limit.
    shared_granted: bool,
}

impl Pacer {
    /// A pacer that starts at `start` (the caller's rate or the spec's), never goes above
    /// `ceiling`, and paces not at all when `pacing` is off (headers still hold requests
    /// when `follow_headers` is on).
    pub(crate) fn new(
        pacing: bool,
        start: Option<RateLimit>,
        ceiling: Option<RateLimit>,
        follow_headers: bool,
        max_hold: Duration,
    ) -> Self {
        Self {
            pacing,
            ceiling: ceiling.filter(|_| pacing),
            follow_headers,
            max_hold,
            turn: tokio::sync::Mutex::new(()),
            changed: tokio::sync::Notify::new(),
            state: Mutex::new(PacerState {
                rate: start.filter(|_| pacing),
                ..PacerState::default()
            }),
            #[cfg(feature = "redis")]
            shared: None,
        }
    }

    /// Shares the limit with every client that names the same Redis, key and base URL.
    #[cfg(feature = "redis")]
    pub(crate) fn with_shared(mut self, shared: crate::shared_limit::SharedLimit) -> Self {
        self.shared = Some(shared);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PacerState> {
        // The state is plain data updated in single steps; a panic elsewhere cannot leave
        // it inconsistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The rate requests are paced to now, if any.
    pub(crate) fn rate(&self) -> Option<RateLimit> {
        self.lock().rate
    }

    /// The longest window paced to: a slot never takes longer than that to free.
    fn max_window(&self) -> Duration {
        self.max_hold.min(MAX_WINDOW)
    }

    /// Every rate a departure must keep to: the current one, the server's other policies
    /// and the caller's ceiling.
    fn limits<'a>(&'a self, state: &'a PacerState) -> impl Iterator<Item = &'a RateLimit> {
        state.rate.iter().chain(&state.also).chain(&self.ceiling)
    }

    /// The earliest time the next request may leave, or `None` for now.
    fn next_departure(&self, now: Instant) -> Option<Instant> {
        let state = self.lock();
        let by_rate = self
            .limits(&state)
            .filter_map(|rate| slot(&state.sent, *rate))
            .max();
        [by_rate, state.hold_until]
            .into_iter()
            .flatten()
            .max()
            .filter(|at| *at > now)
    }

    /// Waits until the pacer lets a request leave.
    async fn wait_local(&self) {
        loop {
            // Listen before looking, so that a change in between is not missed.
            let changed = self.changed.notified();
            let mut changed = std::pin::pin!(changed);
            changed.as_mut().enable();
            let Some(at) = self.next_departure(Instant::now()) else {
                return;
            };
            tracing::debug!(
                wait_ms = at.saturating_duration_since(Instant::now()).as_millis() as u64,
                "pacing: waiting before sending"
            );
            let _ = tokio::time::timeout_at(at.into(), changed).await;
        }
    }

    /// Waits until a request may leave, records that it did, and returns when: give it to
    /// [`Pacer::observe`] with the answer.
    pub(crate) async fn wait_turn(&self) -> Instant {
        if !self.pacing && !self.follow_headers {
            return Instant::now();
        }
        let _turn = self.turn.lock().await;
        self.wait_local().await;
        #[allow(unused_mut)]
        let mut shared_granted = false;
        #[cfg(feature = "redis")]
        if let (Some(shared), Some(rate)) = (&self.shared, self.rate()) {
            if let Some(wait) = shared.reserve(rate).await {
                shared_granted = true;
                if !wait.is_zero() {
                    tracing::debug!(
                        wait_ms = wait.as_millis() as u64,
                        "pacing: waiting for a slot of the shared limit"
                    );
                    tokio::time::sleep(wait).await;
                    // A hold may have come in meanwhile.
                    self.wait_local().await;
                }
            }
        }
        let now = Instant::now();
        let mut state = self.lock();
        state.shared_granted = shared_granted;
        let keep = self
            .limits(&state)
            .map(|rate| rate.window.saturating_add(margin(rate.window)))
            .max()
            .unwrap_or(Duration::ZERO);
        while state
            .sent
            .front()
            .is_some_and(|first| now.saturating_duration_since(*first) > keep)
            || state.sent.len() >= MAX_TRACKED
        {
            state.sent.pop_front();
        }
        state.sent.push_back(now);
        now
    }

    /// Takes note of what the answer to a request that left at `departed` said: the rate the
    /// server announces, and whether every request must hold.
    pub(crate) fn observe(
        &self,
        state: &RateLimitState,
        departed: Instant,
        received: Instant,
        answer: Answer,
    ) {
        let mut pacer = self.lock();
        // The request reached the server by the time its answer came: it counts from then.
        settle(&mut pacer.sent, departed, received);
        if !self.follow_headers || answer == Answer::Quota {
            return;
        }
        let mut sooner = false;
        if let Some(rate) = self.learned(state, pacer.rate) {
            if pacer.rate != Some(rate) {
                tracing::debug!(
                    requests = rate.requests,
                    window_ms = rate.window.as_millis() as u64,
                    "pacing: the server announces a rate"
                );
                sooner = pacer.rate.is_none_or(|old| rate.is_faster_than(&old));
                pacer.rate = Some(rate);
            }
            if let Some(policy) = state.policy.as_deref() {
                let also = other_policies(policy, state, rate, self.max_window());
                if pacer.also != also {
                    sooner = true;
                    pacer.also = also;
                }
            }
        }
        let hold = match answer {
            Answer::Refused => state.retry_after.or(state.reset),
            Answer::Unavailable => state.retry_after,
            Answer::Other | Answer::Quota => None,
        }
        .or_else(|| {
            (state.is_exhausted() && !self.explains_exhaustion(&pacer, received))
                .then_some(state.reset)
                .flatten()
        });
        // A wait this long is not followed here: the call that saw it returns the error.
        if let Some(hold) = hold.filter(|hold| !hold.is_zero() && *hold <= self.max_hold) {
            let until = after(received, hold);
            if pacer.hold_until.is_none_or(|current| current < until) {
                tracing::debug!(
                    hold_ms = hold.as_millis() as u64,
                    "pacing: server asked to hold"
                );
                pacer.hold_until = Some(until);
            }
        }
        drop(pacer);
        if sooner {
            self.changed.notify_waiters();
        }
    }

    /// The rate to pace to after a response announcing `state`, if it announces one that
    /// can be paced to: the server's limit over its window (without a policy, the window of
    /// the current rate: the spec's `x-rate-limit` says what it is), capped by the caller's
    /// rate. A limit of zero, a window of zero or longer than the longest the client waits
    /// for a slot is no rate to pace to.
    fn learned(&self, state: &RateLimitState, current: Option<RateLimit>) -> Option<RateLimit> {
        if !self.pacing {
            return None;
        }
        let limit = state.limit.filter(|limit| *limit > 0)?;
        let window = state
            .window
            .or(current.map(|rate| rate.window))
            .or(self.ceiling.map(|rate| rate.window))
            .unwrap_or(Duration::from_secs(1));
        if window.is_zero() || window > self.max_window() {
            return None;
        }
        let announced = RateLimit::new(u32::try_from(limit).unwrap_or(u32::MAX), window);
        Some(match self.ceiling {
            Some(ceiling) if announced.is_faster_than(&ceiling) => ceiling,
            _ => announced,
        })
    }

    /// Whether a window the server reports full at `received` is full of this client's own
    /// requests (or was paced by the shared limit): the pacer then already waits for it to
    /// free a slot, and holding until a reset rounded up to whole seconds would wait longer
    /// than needed.
    fn explains_exhaustion(&self, pacer: &PacerState, received: Instant) -> bool {
        let Some(rate) = pacer.rate else {
            return false;
        };
        if pacer.shared_granted {
            return true;
        }
        let in_window = pacer
            .sent
            .iter()
            .rev()
            .take_while(|sent| received.saturating_duration_since(**sent) < rate.window)
            .count();
        in_window >= rate.requests as usize
    }
}

/// Moves a request's entry in the log from when it left to when its answer came, keeping the
/// log in order. An entry already dropped from the log stays dropped.
fn settle(sent: &mut VecDeque<Instant>, departed: Instant, received: Instant) {
    if received <= departed {
        return;
    }
    let at = sent.partition_point(|time| *time < departed);
    if sent.get(at) != Some(&departed) {
        return;
    }
    sent.remove(at);
    let to = sent.partition_point(|time| *time <= received);
    sent.insert(to, received);
}

/// The entries of a `ratelimit-policy` field other than the one the main `rate` came from
/// (the entry of `state.limit` and `state.window`), that can be paced to: a quota of at
/// least one over a window of at most `max_window`. Shortest window first, at most
/// [`MAX_POLICIES`].
fn other_policies(
    policy: &str,
    state: &RateLimitState,
    rate: RateLimit,
    max_window: Duration,
) -> Vec<RateLimit> {
    let mut others: Vec<RateLimit> = policies(policy)
        .filter_map(|(quota, seconds)| {
            let quota = u32::try_from(quota?.min(u64::from(u32::MAX))).ok()?;
            let seconds = Duration::from_secs(seconds?);
            (quota > 0 && !seconds.is_zero() && seconds <= max_window)
                .then(|| RateLimit::new(quota, seconds))
        })
        .filter(|other| {
            Some(other.window) != state.window || Some(u64::from(other.requests)) != state.limit
        })
        .filter(|other| *other != rate)
        .collect();
    others.sort_by_key(|other| (other.window, other.requests));
    others.dedup();
    others.truncate(MAX_POLICIES);
    others
}

/// When the window has room for one more request, given the departures so far: the
/// `requests`-th latest departure plus the window and the margin; `None` while fewer than
/// `requests` left (or the limit is too large to track).
fn slot(sent: &VecDeque<Instant>, rate: RateLimit) -> Option<Instant> {
    let requests = rate.requests as usize;
    if requests == 0 || requests >= MAX_TRACKED {
        return None;
    }
    let index = sent.len().checked_sub(requests)?;
    let oldest = sent.get(index)?;
    Some(after(
        *oldest,
        rate.window.saturating_add(margin(rate.window)),
    ))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderMap;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("a header value"));
        }
        map
    }

    fn announced(limit: u64, window: Option<u64>) -> RateLimitState {
        RateLimitState {
            limit: Some(limit),
            window: window.map(Duration::from_secs),
            ..RateLimitState::default()
        }
    }

    fn pacer(start: Option<RateLimit>, ceiling: Option<RateLimit>) -> Pacer {
        Pacer::new(true, start, ceiling, true, Duration::from_secs(60))
    }

    #[test]
    fn the_rate_follows_the_server_up_and_down() {
        let pacer = pacer(Some(RateLimit::per_second(2)), None);
        let now = Instant::now();
        pacer.observe(&announced(5, Some(1)), now, now, Answer::Other);
        assert_eq!(pacer.rate(), Some(RateLimit::per_second(5)));
        pacer.observe(&announced(1, None), now, now, Answer::Other);
        assert_eq!(pacer.rate(), Some(RateLimit::per_second(1)));
        pacer.observe(&announced(120, Some(60)), now, now, Answer::Other);
        assert_eq!(
            pacer.rate(),
            Some(RateLimit::new(120, Duration::from_secs(60)))
        );
    }

    #[test]
    fn every_policy_the_server_announces_is_kept() {
        let pacer = pacer(Some(RateLimit::per_second(2)), None);
        let start = Instant::now();
        let state = RateLimitState::from_headers(&headers(&[
            ("ratelimit-limit", "3"),
            ("ratelimit-policy", "3;w=1, 5;w=10, 1000;w=86400, 0;w=5"),
        ]));
        pacer.observe(&state, start, start, Answer::Other);
        assert_eq!(pacer.rate(), Some(RateLimit::per_second(3)));
        // A day's quota is not paced to, nor an empty one; 5 per 10 s is.
        assert_eq!(
            pacer.lock().also,
            vec![RateLimit::new(5, Duration::from_secs(10))]
        );
        // Five requests, a second and more apart: the second's window has room, the ten
        // seconds' does not.
        let sent: Vec<Instant> = (0..5)
            .map(|i| start + Duration::from_millis(1100 * i))
            .collect();
        pacer.lock().sent.extend(sent.iter().copied());
        let next = pacer
            .next_departure(start)
            .expect("held by the 10 s window");
        assert_eq!(
            next,
            sent[0] + Duration::from_secs(10) + margin(Duration::from_secs(10))
        );
    }

    #[test]
    fn a_rate_set_by_the_caller_is_a_ceiling() {
        let ceiling = RateLimit::per_second(3);
        let pacer = pacer(Some(ceiling), Some(ceiling));
        let now = Instant::now();
        pacer.observe(&announced(5, Some(1)), now, now, Answer::Other);
        assert_eq!(pacer.rate(), Some(ceiling));
        pacer.observe(
            &announced(1_000_000_000_000, Some(1)),
            now,
            now,
            Answer::Other,
        );
        assert_eq!(pacer.rate(), Some(ceiling));
        pacer.observe(&announced(1, Some(1)), now, now, Answer::Other);
        assert_eq!(pacer.rate(), Some(RateLimit::per_second(1)));
    }

    #[test]
    fn absurd_announcements_are_not_paced_to() {
        let pacer = pacer(Some(RateLimit::per_second(2)), None);
        let now = Instant::now();
        for nonsense in [
            announced(0, Some(1)),
            announced(5, Some(0)),
            announced(5, Some(10 * 365 * 24 * 60 * 60)),
        ] {
            pacer.observe(&nonsense, now, now, Answer::Other);
            assert_eq!(pacer.rate(), Some(RateLimit::per_second(2)), "{nonsense:?}");
        }
        // A reset years away holds nothing: it is a quota, not a rate.
        let years = RateLimitState {
            remaining: Some(0),
            reset: Some(Duration::from_secs(10 * 365 * 24 * 60 * 60)),
            ..RateLimitState::default()
        };
        pacer.observe(&years, now, now, Answer::Other);
        assert_eq!(pacer.next_departure(now), None);
        // A limit past any integer is the widest limit, which tracks nothing.
        pacer.observe(&announced(u64::MAX, Some(1)), now, now, Answer::Other);
        assert_eq!(pacer.rate(), Some(RateLimit::per_second(u32::MAX)));
        assert_eq!(
            slot(
                &VecDeque::from(vec![now; 10]),
                RateLimit::per_second(u32::MAX)
            ),
            None
        );
    }

    #[test]
    fn a_full_window_opens_one_window_and_a_margin_after_its_oldest_request() {
        let start = Instant::now();
        let sent = VecDeque::from(vec![start, start, start + Duration::from_millis(300)]);
        let rate = RateLimit::per_second(2);
        // The second-latest departure frees its slot a second (and 25 ms) later.
        assert_eq!(slot(&sent, rate), Some(start + Duration::from_millis(1025)));
        assert_eq!(
            slot(&sent, RateLimit::per_second(3)),
            Some(start + Duration::from_millis(1025))
        );
        assert_eq!(slot(&sent, RateLimit::per_second(4)), None);
    }

    #[test]
    fn an_exhausted_window_holds_only_when_others_filled_it() {
        let pacer = pacer(Some(RateLimit::per_second(2)), None);
        let now = Instant::now();
        let full = RateLimitState {
            limit: Some(2),
            remaining: Some(0),
            reset: Some(Duration::from_secs(1)),
            ..RateLimitState::default()
        };
        // Nothing of ours in the window: another process took it, so wait for the reset.
        pacer.observe(&full, now, now, Answer::Other);
        assert_eq!(pacer.lock().hold_until, Some(now + Duration::from_secs(1)));

        // Our own two requests fill it: the window itself says when a slot frees, and the
        // reset (rounded up to a whole second) is not waited on top of it.
        let pacer = self::pacer(Some(RateLimit::per_second(2)), None);
        pacer.lock().sent.extend([now, now]);
        pacer.observe(
            &full,
            now + Duration::from_millis(5),
            now + Duration::from_millis(5),
            Answer::Other,
        );
        assert_eq!(pacer.lock().hold_until, None);
        assert_eq!(
            pacer.next_departure(now),
            Some(now + Duration::from_millis(1025))
        );
    }

    #[test]
    fn a_quota_refusal_holds_nothing() {
        let pacer = pacer(Some(RateLimit::per_second(2)), None);
        let now = Instant::now();
        let quota = RateLimitState {
            retry_after: Some(Duration::from_secs(30)),
            ..RateLimitState::default()
        };
        pacer.observe(&quota, now, now, Answer::Quota);
        assert_eq!(pacer.next_departure(now), None);
        pacer.observe(&quota, now, now, Answer::Refused);
        assert_eq!(
            pacer.next_departure(now),
            Some(now + Duration::from_secs(30))
        );
    }

    #[tokio::test]
    async fn requests_leave_while_the_window_has_room() {
        let window = Duration::from_millis(200);
        let pacer = pacer(Some(RateLimit::new(3, window)), None);
        let start = Instant::now();
        let mut departures = Vec::new();
        for _ in 0..6 {
            pacer.wait_turn().await;
            departures.push(start.elapsed());
        }
        assert!(departures[2] < Duration::from_millis(100), "{departures:?}");
        let late = window + margin(window);
        assert!(departures[3] >= late, "{departures:?}");
        assert!(
            departures[5] < late + Duration::from_millis(150),
            "{departures:?}"
        );
    }

    #[tokio::test]
    async fn a_waiting_request_leaves_as_soon_as_a_faster_rate_is_announced() {
        let pacer = std::sync::Arc::new(pacer(
            Some(RateLimit::new(1, Duration::from_secs(30))),
            None,
        ));
        pacer.wait_turn().await;
        let waiting = tokio::spawn({
            let pacer = pacer.clone();
            async move { pacer.wait_turn().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the window of 30 s is full");
        pacer.observe(
            &announced(10, Some(1)),
            Instant::now(),
            Instant::now(),
            Answer::Other,
        );
        tokio::time::timeout(Duration::from_secs(2), waiting)
            .await
            .expect("woken by the faster rate")
            .expect("the task");
    }

    #[test]
    fn an_answer_counts_from_when_it_came() {
        let start = Instant::now();
        let ms = Duration::from_millis;
        let mut sent = VecDeque::from(vec![start, start + ms(10), start + ms(20)]);
        settle(&mut sent, start, start + ms(15));
        assert_eq!(
            sent,
            VecDeque::from(vec![start + ms(10), start + ms(15), start + ms(20)])
        );
        // A departure the log no longer holds changes nothing.
        settle(&mut sent, start + ms(5), start + ms(50));
        assert_eq!(sent.len(), 3);
        assert_eq!(sent.back(), Some(&(start + ms(20))));
    }

    #[test]
    fn a_ceiling_holds_beside_a_slower_rate_over_a_longer_window() {
        let ceiling = RateLimit::per_second(2);
        let pacer = pacer(Some(ceiling), Some(ceiling));
        let now = Instant::now();
        // 100 a minute is slower on average than 2 a second, but allows a burst of 100.
        pacer.observe(&announced(100, Some(60)), now, now, Answer::Other);
        assert_eq!(
            pacer.rate(),
            Some(RateLimit::new(100, Duration::from_secs(60)))
        );
        pacer.lock().sent.extend([now, now]);
        assert_eq!(
            pacer.next_departure(now),
            Some(now + Duration::from_millis(1025)),
            "still two a second"
        );
    }

    #[test]
    fn a_window_longer_than_the_longest_hold_is_not_paced_to() {
        let pacer = pacer(Some(RateLimit::per_second(2)), None);
        let now = Instant::now();
        pacer.observe(&announced(1, Some(3600)), now, now, Answer::Other);
        assert_eq!(pacer.rate(), Some(RateLimit::per_second(2)));
    }

    #[test]
    fn only_refusals_and_unavailability_hold_on_retry_after() {
        let now = Instant::now();
        let later = RateLimitState {
            retry_after: Some(Duration::from_secs(5)),
            ..RateLimitState::default()
        };
        let pacer = pacer(None, None);
        // A 202 with `retry-after` says when to poll, not when to send anything else.
        pacer.observe(&later, now, now, Answer::Other);
        assert_eq!(pacer.next_departure(now), None);
        pacer.observe(&later, now, now, Answer::Unavailable);
        assert_eq!(
            pacer.next_departure(now),
            Some(now + Duration::from_secs(5))
        );

        // A refusal holds even when the client's own requests fill the window: its model
        // of the window was wrong.
        let pacer = self::pacer(Some(RateLimit::per_second(2)), None);
        pacer.lock().sent.extend([now, now]);
        let refused = RateLimitState {
            remaining: Some(0),
            reset: Some(Duration::from_secs(2)),
            ..RateLimitState::default()
        };
        pacer.observe(&refused, now, now, Answer::Refused);
        assert_eq!(
            pacer.next_departure(now),
            Some(now + Duration::from_secs(2))
        );
    }
}
