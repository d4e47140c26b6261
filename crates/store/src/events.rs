//! Domain events, for live updates (GraphQL subscriptions).
//!
//! A domain operation publishes an [`Event`] through its [`crate::Write`].
//! Events carry ids only, never row data: a subscriber re-reads what it is
//! about to receive through its own scope. They are delivered after the
//! writing transaction commits, and never when it rolls back:
//!
//! - on PostgreSQL the write runs `pg_notify` inside its transaction, which
//!   the database delivers on commit (and discards on rollback) to every
//!   process listening on [`CHANNEL`]; each process keeps one `LISTEN`
//!   connection ([`listen`]) and hands what it hears to its [`Events`];
//! - on SQLite the write keeps its events and hands them to the process's
//!   [`Events`] once its commit succeeded.

use std::{collections::HashMap, sync::Arc, time::Duration};

use sea_orm::{
    DatabaseConnection, DbBackend,
    sqlx::postgres::{PgListener, PgPool, PgPoolOptions},
};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "coachql_events";

/// Something that changed in one tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub tenant: Uuid,
    #[serde(flatten)]
    pub topic: Topic,
}

/// What changed. Ids only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "topic", rename_all = "snake_case")]
pub enum Topic {
    /// A workshop or its registrations (seats).
    Workshop { id: Uuid },
    /// A course's content: the course, its lessons, blocks or quizzes.
    Course { id: Uuid },
    /// A student's progress through a course.
    Progress { course: Uuid, user: Uuid },
    /// Points were awarded in the tenant (the leaderboard may move).
    Points,
    /// Something for one user to hear about; `id` is the row it is about.
    Notice {
        user: Uuid,
        kind: NoticeKind,
        id: Uuid,
    },
    /// Events may have been lost (the listening connection was re-opened):
    /// every subscriber re-reads. Published by the process, not by writes.
    Resync,
}

/// The kinds of [`Topic::Notice`], each about a row of one table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    AchievementEarned,
    ReviewApproved,
    ReviewAnswered,
    SessionCompleted,
    CertificateIssued,
    EnrollmentCompleted,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        Self::AchievementEarned,
        Self::ReviewApproved,
        Self::ReviewAnswered,
        Self::SessionCompleted,
        Self::CertificateIssued,
        Self::EnrollmentCompleted,
    ];

    /// The table of the row a notice of this kind is about.
    pub fn table(self) -> &'static str {
        match self {
            Self::AchievementEarned => "user_achievements",
            Self::ReviewApproved | Self::ReviewAnswered => "reviews",
            Self::SessionCompleted => "engagement_sessions",
            Self::CertificateIssued => "certificates",
            Self::EnrollmentCompleted => "enrollments",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AchievementEarned => "achievement_earned",
            Self::ReviewApproved => "review_approved",
            Self::ReviewAnswered => "review_answered",
            Self::SessionCompleted => "session_completed",
            Self::CertificateIssued => "certificate_issued",
            Self::EnrollmentCompleted => "enrollment_completed",
        }
    }
}

/// The process's event fan-out: one channel per tenant with subscribers,
/// so an event wakes only its own tenant's subscriptions, and a busy tenant
/// cannot make another tenant's subscribers fall behind. Every subscriber
/// holds a receiver with a bounded queue ([`Events::new`]'s capacity).
/// Sending never waits: a subscriber that falls that far behind is told so
/// (`Lagged`) and closed.
#[derive(Clone, Debug)]
pub struct Events {
    capacity: usize,
    tenants: Arc<std::sync::Mutex<HashMap<Uuid, broadcast::Sender<Arc<Event>>>>>,
}

impl Events {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            tenants: Default::default(),
        }
    }

    fn tenants(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, broadcast::Sender<Arc<Event>>>> {
        self.tenants.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A receiver of `tenant`'s events (and of every [`Topic::Resync`]).
    pub fn subscribe(&self, tenant: Uuid) -> broadcast::Receiver<Arc<Event>> {
        let mut tenants = self.tenants();
        // Channels nobody listens to any more go when another opens.
        tenants.retain(|_, tx| tx.receiver_count() > 0);
        tenants
            .entry(tenant)
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe()
    }

    /// Hands `event` to this process's subscribers of its tenant (of every
    /// tenant for a resync).
    pub fn deliver(&self, event: Event) {
        let event = Arc::new(event);
        let tenants = self.tenants();
        // No receiver is not an error: nobody is listening.
        if event.topic == Topic::Resync {
            for tx in tenants.values() {
                let _ = tx.send(event.clone());
            }
        } else if let Some(tx) = tenants.get(&event.tenant) {
            let _ = tx.send(event);
        }
    }
}

impl Default for Events {
    fn default() -> Self {
        Self::new(1024)
    }
}

/// The notification payload of `event` (well under PostgreSQL's 8000-byte
/// limit: ids only).
pub(crate) fn payload(event: &Event) -> String {
    serde_json::to_string(event).unwrap_or_default()
}

/// Listens on [`CHANNEL`] with a connection of its own and delivers what
/// it hears to `events`, until the process ends. The first `LISTEN` is
/// made before this returns (so the process hears its own first writes);
/// the future it returns keeps listening, to be spawned. When the
/// connection is lost it re-opens it (after a pause that grows to 5 s) and
/// publishes [`Topic::Resync`] to every tenant's subscribers, since
/// notifications sent meanwhile are gone. Does nothing on SQLite.
pub async fn listen(
    db: DatabaseConnection,
    events: Events,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let pool = match db.get_database_backend() {
        DbBackend::Postgres => Some(listening_pool(&db)),
        _ => None,
    };
    let first = match &pool {
        Some(pool) => open(pool).await,
        None => None,
    };
    async move {
        if let Some(pool) = pool {
            keep_listening(pool, first, events).await;
        }
    }
}

/// A pool of one connection of its own, with the request pool's options:
/// the listener holds its connection for as long as the process lives, and
/// taking it from the requests' pool would leave them one fewer (and none
/// at all with a pool of one).
fn listening_pool(db: &DatabaseConnection) -> PgPool {
    let requests = db.get_postgres_connection_pool();
    PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(requests.options().get_acquire_timeout())
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_lazy_with((*requests.connect_options()).clone())
}

/// A connection listening on [`CHANNEL`], or `None` (logged) if it could
/// not be opened.
async fn open(pool: &PgPool) -> Option<PgListener> {
    match PgListener::connect_with(pool).await {
        Ok(mut l) => match l.listen(CHANNEL).await {
            Ok(()) => Some(l),
            Err(e) => {
                tracing::warn!(error = %e, "event listener: LISTEN failed");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "event listener: cannot connect");
            None
        }
    }
}

async fn keep_listening(pool: PgPool, mut listener: Option<PgListener>, events: Events) {
    let mut pause = Duration::from_millis(100);
    let mut lost = listener.is_none();
    loop {
        let Some(mut l) = listener.take() else {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
            listener = open(&pool).await;
            continue;
        };
        pause = Duration::from_millis(100);
        if lost {
            tracing::info!("event listener: listening again; subscribers re-read");
            events.deliver(Event {
                tenant: Uuid::nil(),
                topic: Topic::Resync,
            });
        }
        loop {
            // `try_recv`: `None` when the connection was lost, instead of
            // re-connecting silently (we must tell subscribers).
            match l.try_recv().await {
                Ok(Some(n)) => match serde_json::from_str::<Event>(n.payload()) {
                    // Only the process publishes a resync.
                    Ok(e) if e.topic != Topic::Resync => events.deliver(e),
                    _ => {}
                },
                Ok(None) | Err(_) => {
                    lost = true;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_reaches_its_tenants_subscribers_and_a_resync_everyone() {
        let events = Events::new(8);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let (mut of_a, mut of_b) = (events.subscribe(a), events.subscribe(b));
        let points = |tenant| Event {
            tenant,
            topic: Topic::Points,
        };
        events.deliver(points(a));
        events.deliver(points(Uuid::from_u128(3)));
        assert_eq!(*of_a.try_recv().unwrap(), points(a));
        assert!(of_a.try_recv().is_err() && of_b.try_recv().is_err());
        events.deliver(Event {
            tenant: Uuid::nil(),
            topic: Topic::Resync,
        });
        assert_eq!(of_a.try_recv().unwrap().topic, Topic::Resync);
        assert_eq!(of_b.try_recv().unwrap().topic, Topic::Resync);
        // A tenant without subscribers left loses its channel.
        drop(of_b);
        let _again = events.subscribe(a);
        assert_eq!(events.tenants().len(), 1);
    }

    #[test]
    fn payloads_carry_ids_only_and_read_back() {
        let e = Event {
            tenant: Uuid::nil(),
            topic: Topic::Notice {
                user: Uuid::nil(),
                kind: NoticeKind::ReviewAnswered,
                id: Uuid::nil(),
            },
        };
        let p = payload(&e);
        assert_eq!(
            p,
            format!(
                "{{\"tenant\":\"{n}\",\"topic\":\"notice\",\"user\":\"{n}\",\"kind\":\"review_answered\",\"id\":\"{n}\"}}",
                n = Uuid::nil()
            )
        );
        assert_eq!(serde_json::from_str::<Event>(&p).unwrap(), e);
        let points = Event {
            tenant: Uuid::nil(),
            topic: Topic::Points,
        };
        assert_eq!(
            serde_json::from_str::<Event>(&payload(&points)).unwrap(),
            points
        );
    }
}
