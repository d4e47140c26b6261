//! Subscriptions: live views of the tenant's data, pushed when a domain
//! operation that changes them commits (`store::events`).
//!
//! Events carry ids only. On each event a subscription that cares about it
//! opens a new scope for its subscriber (the membership is checked again,
//! row-level security applies on PostgreSQL) and re-reads what it is about
//! to send through that scope, with the same read rules as a query. So
//! nobody receives what they could not have queried at that moment, and an
//! event of another tenant is never even looked at.
//!
//! Each subscription field is one [`Spec`]: which topics concern it, and
//! how to read its value. The item's selection is then resolved in that
//! event's own request scope (`FieldValue::with_item_data`), so subscription
//! payloads are the same object types as the queries return.

use std::{sync::Arc, time::Duration};

use async_graphql::{
    Data,
    dynamic::{
        Enum, EnumItem, Field, FieldFuture, FieldValue, Object, ResolverContext, SubscriptionField,
        SubscriptionFieldFuture, TypeRef,
    },
    futures_util::future::BoxFuture,
};
use store::{NoticeKind, Scope, Store, Topic};
use tokio::sync::{
    broadcast::error::{RecvError, TryRecvError},
    watch,
};
use uuid::Uuid;

use crate::{
    context::{RequestCtx, Shared},
    error::{ApiError, ErrorCode},
    ops::args::{self, Arguments},
    table::AnyRow,
};

/// WebSocket close codes the server uses besides the protocol's own.
pub mod close {
    /// The token expired.
    pub const UNAUTHORIZED: u16 = 4401;
    /// The membership was revoked or the account suspended, or
    /// `connection_init` carried no valid credentials.
    pub const FORBIDDEN: u16 = 4403;
    /// A subscription fell further behind the events than its queue holds.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// The caller already has as many connections as allowed.
    pub const TOO_MANY_CONNECTIONS: u16 = 4029;
}

/// Asks the transport to close the connection with a code and a reason.
#[derive(Clone, Debug)]
pub struct Closer(Arc<watch::Sender<Option<(u16, String)>>>);

impl Closer {
    pub fn new() -> (Self, watch::Receiver<Option<(u16, String)>>) {
        let (tx, rx) = watch::channel(None);
        (Self(Arc::new(tx)), rx)
    }

    pub fn close(&self, code: u16, reason: impl Into<String>) {
        let reason = reason.into();
        self.0.send_if_modified(|v| {
            if v.is_none() {
                *v = Some((code, reason));
                true
            } else {
                false
            }
        });
    }
}

/// The subscriber of one connection, in the connection's data (put there
/// by the transport after `connection_init`).
#[derive(Clone, Debug)]
pub struct Live {
    pub store: Store,
    pub tenant: Uuid,
    /// `None`: an anonymous caller of the tenant (`X-Tenant`).
    pub user: Option<Uuid>,
    /// How long one event's re-read may take.
    pub read_timeout: Duration,
    pub closer: Closer,
    /// Re-reads running at once in the process (shared by every
    /// subscriber): a fan-out waits here, in order, rather than for the
    /// database pool, which it would otherwise take from the writers (and
    /// give up with `UNAVAILABLE` after the pool's acquire timeout).
    pub reads: Arc<tokio::sync::Semaphore>,
    /// When the membership was last read (by a re-read or a recheck).
    pub checked: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

impl Live {
    /// A new scope for one read: the membership is read again, so a revoked
    /// one ends the connection here.
    pub async fn scope(&self) -> Result<Scope, ApiError> {
        let deadline = std::time::Instant::now() + self.read_timeout;
        match self.user {
            Some(user) => match self
                .store
                .authenticate(self.tenant, user, Some(deadline))
                .await?
            {
                Some(scope) => {
                    *self.checked.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(std::time::Instant::now());
                    Ok(scope)
                }
                None => {
                    let why = "no active membership in this tenant";
                    self.closer.close(close::FORBIDDEN, why);
                    Err(ApiError::new(ErrorCode::Unauthenticated, why))
                }
            },
            None => Ok(self
                .store
                .scope_until(auth::Principal::anonymous(self.tenant), Some(deadline))
                .await?),
        }
    }

    /// Reads a signed-in subscriber's membership again unless it was read
    /// (by an event's re-read) within `period`; a revoked one closes the connection. It
    /// waits for a re-read permit like an event's re-read, and a database
    /// outage is not a reason to close.
    pub async fn recheck(&self, period: Duration) {
        let recent = self
            .checked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < period);
        if self.user.is_none() || recent {
            return;
        }
        let Ok(_permit) = self.reads.acquire().await else {
            return;
        };
        if let Ok(scope) = self.scope().await {
            let _ = scope.release(false).await;
        }
    }

    /// `read` through a new scope; its value carries that scope for the
    /// resolution of its selection.
    async fn answer<A>(
        &self,
        sh: &Arc<Shared>,
        read: Reader<A>,
        args: &A,
        topic: Option<&Topic>,
    ) -> Result<Option<FieldValue<'static>>, ApiError> {
        // The permit goes with the item's data, like its scope: it is given
        // back once the item's selection is resolved (its loaders use the
        // scope's connection until then).
        let permit =
            self.reads.clone().acquire_owned().await.map_err(|_| {
                ApiError::new(ErrorCode::Unavailable, "the server is shutting down")
            })?;
        let scope = self.scope().await?;
        let value = tokio::time::timeout(self.read_timeout, read(sh, &scope, args, topic))
            .await
            .map_err(|_| ApiError::new(ErrorCode::Timeout, "the update was not read in time"))??;
        Ok(value.map(|v| {
            let mut data = Data::default();
            data.insert(RequestCtx::new(scope, sh.catalog.clone()));
            data.insert(permit);
            FieldValue::with_item_data(v, data)
        }))
    }

    /// [`Live::answer`] for an event, tried again while the database is
    /// unavailable or slow (after 0.25 s, doubling to 5 s, for at most a
    /// minute): an outage delays updates instead of ending subscriptions.
    async fn retrying<A>(
        &self,
        sh: &Arc<Shared>,
        read: Reader<A>,
        args: &A,
        topic: &Topic,
    ) -> Result<Option<FieldValue<'static>>, ApiError> {
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            match self.answer(sh, read, args, Some(topic)).await {
                Err(e)
                    if matches!(e.code, ErrorCode::Unavailable | ErrorCode::Timeout)
                        && started.elapsed() < Duration::from_secs(60) =>
                {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                other => return other,
            }
        }
    }

    /// The next event `wants` says concerns this subscription (`None`
    /// when the process stops publishing). With `fold`, events already
    /// queued behind it are folded into it: the subscription re-reads the
    /// latest state once for all of them.
    async fn next<A>(
        &self,
        events: &mut tokio::sync::broadcast::Receiver<Arc<store::Event>>,
        args: &A,
        wants: Wants<A>,
        fold: bool,
    ) -> Result<Option<Topic>, ApiError> {
        loop {
            let event = match events.recv().await {
                Ok(e) => e,
                Err(RecvError::Closed) => return Ok(None),
                Err(RecvError::Lagged(n)) => {
                    let why = format!("the subscriber fell {n} events behind");
                    self.closer.close(close::SLOW_CONSUMER, why.clone());
                    return Err(ApiError::new(ErrorCode::RateLimited, why));
                }
            };
            let concerned = match &event.topic {
                Topic::Resync => true,
                topic => event.tenant == self.tenant && wants(args, topic, self.user),
            };
            if !concerned {
                continue;
            }
            if fold {
                while !events.is_empty() {
                    match events.try_recv() {
                        Ok(_) | Err(TryRecvError::Lagged(_)) => {}
                        Err(_) => break,
                    }
                }
            }
            return Ok(Some(event.topic.clone()));
        }
    }
}

/// Whether an event of the subscriber's tenant may change what the
/// subscription with these arguments shows the user (`None`: anonymous).
pub(crate) type Wants<A> = fn(&A, &Topic, Option<Uuid>) -> bool;

/// Reads the subscription's value through the subscriber's scope; the
/// topic is `None` for the read when subscribing. `Ok(None)`: nothing to
/// send for this event.
pub(crate) type Reader<A> =
    for<'a> fn(
        &'a Arc<Shared>,
        &'a Scope,
        &'a A,
        Option<&'a Topic>,
    ) -> BoxFuture<'a, Result<Option<FieldValue<'static>>, ApiError>>;

/// One subscription field.
pub(crate) struct Spec<A> {
    pub name: &'static str,
    pub ty: TypeRef,
    pub description: &'static str,
    pub wants: Wants<A>,
    pub read: Reader<A>,
    /// Send the current value when subscribing (a live view); otherwise the
    /// read when subscribing only checks access.
    pub initial: bool,
    /// Fold queued events into one re-read (a view of the latest state).
    /// Notifications are not folded: each is its own message.
    pub fold: bool,
}

/// The subscription field of `spec`.
pub(crate) fn field<A: Arguments + Sync>(spec: Spec<A>) -> SubscriptionField {
    let Spec {
        name,
        ty,
        description,
        wants,
        read,
        initial,
        fold,
    } = spec;
    let field = SubscriptionField::new(name, ty, move |ctx| {
        SubscriptionFieldFuture::new(async move {
            let live = ctx
                .data::<Arc<Live>>()
                .map_err(|_| {
                    ApiError::new(
                        ErrorCode::Unauthenticated,
                        "subscriptions run over WebSocket, after a connection_init with a token \
                         or an X-Tenant",
                    )
                })?
                .clone();
            let sh = ctx.data::<Arc<Shared>>()?.clone();
            let args = args::args_of::<A>(&ctx)?;
            // Listening before the first read: nothing falls in between.
            let mut events = live.store.events().subscribe(live.tenant);
            // The first read also refuses what the caller may not see, at
            // once.
            let first = live.answer(&sh, read, &args, None).await?;
            Ok(async_stream::try_stream! {
                if initial && let Some(v) = first {
                    yield v;
                }
                while let Some(topic) = live.next(&mut events, &args, wants, fold).await? {
                    if let Some(v) = live.retrying(&sh, read, &args, &topic).await? {
                        yield v;
                    }
                }
            })
        })
    })
    .description(description);
    A::arguments().into_iter().fold(field, |f, a| f.argument(a))
}

/// A live view of the row of `table` with `id`, as the caller may see it,
/// as its object type: NOT_FOUND when subscribing to a row the caller may
/// not see, null once they no longer may.
pub(crate) async fn row_view(
    sh: &Shared,
    scope: &Scope,
    table: &'static str,
    id: Uuid,
    topic: Option<&Topic>,
) -> Result<Option<FieldValue<'static>>, ApiError> {
    crate::context::may_read(scope.principal(), table)?;
    let rows = sh.ops(table)?.load_by(scope, "id", vec![id]).await?;
    let type_name = sh.type_of(table);
    match rows.into_iter().next() {
        Some((_, row)) => Ok(Some(FieldValue::owned_any(row))),
        None if topic.is_none() => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("{type_name} not found"),
        )),
        None => Ok(Some(FieldValue::NULL)),
    }
}

/// A notification: what happened and the row it is about.
struct Notice {
    kind: NoticeKind,
    row: AnyRow,
    type_name: &'static str,
}

/// `myNotifications`' item: the notice of `topic` for the caller, if they
/// may read the row it is about.
async fn notice(
    sh: &Shared,
    scope: &Scope,
    topic: Option<&Topic>,
) -> Result<Option<FieldValue<'static>>, ApiError> {
    if !scope.principal().is_authenticated() {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "sign in to receive notifications",
        ));
    }
    let Some(Topic::Notice { kind, id, .. }) = topic else {
        return Ok(None);
    };
    let table = kind.table();
    let rows = sh.ops(table)?.load_by(scope, "id", vec![*id]).await?;
    Ok(rows.into_iter().next().map(|(_, row)| {
        FieldValue::owned_any(Notice {
            kind: *kind,
            row,
            type_name: sh.type_of(table),
        })
    }))
}

/// Whether `topic` is a notice for `user`.
fn notice_for(topic: &Topic, user: Option<Uuid>) -> bool {
    matches!(topic, Topic::Notice { user: u, .. } if Some(*u) == user)
}

fn kind_name(kind: NoticeKind) -> String {
    kind.as_str().to_ascii_uppercase()
}

/// `myNotifications`, its `Notification` object and `NotificationKind`.
pub(crate) fn module(mut p: crate::ops::declare::Parts) -> crate::ops::declare::Parts {
    let (object, kinds) = notification_types();
    p.objects.push(object);
    p.enums.push(kinds);
    p.subscription = p.subscription.field(field(Spec {
        name: "myNotifications",
        ty: TypeRef::named_nn("Notification"),
        description: "Things that happen to you from now on: an achievement earned, your review \
                      approved or answered, a session of your engagement completed, a certificate \
                      issued to you, a course completed. Each comes with its object, as you may \
                      read it. Needs a token.",
        wants: |_: &(), topic, user| notice_for(topic, user),
        read: |sh, scope, _, topic| Box::pin(notice(sh, scope, topic)),
        initial: false,
        fold: false,
    }));
    p
}

/// The `Notification` object and its `NotificationKind` enum.
fn notification_types() -> (Object, Enum) {
    let kinds = Enum::new("NotificationKind")
        .description("What a notification is about.")
        .items(NoticeKind::ALL.map(|k| {
            EnumItem::new(kind_name(k)).description(match k {
                NoticeKind::AchievementEarned => "You earned an achievement (a `UserAchievement`).",
                NoticeKind::ReviewApproved => "Your review was approved (a `Review`).",
                NoticeKind::ReviewAnswered => "Your review was answered (a `Review`).",
                NoticeKind::SessionCompleted => {
                    "A session of your engagement was completed (an `EngagementSession`)."
                }
                NoticeKind::CertificateIssued => {
                    "A certificate was issued to you (a `Certificate`)."
                }
                NoticeKind::EnrollmentCompleted => "You completed a course (an `Enrollment`).",
            })
        }));
    fn notice<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a Notice> {
        ctx.parent_value.try_downcast_ref::<Notice>()
    }
    let object = Object::new("Notification")
        .description("Something that happened to you, with the object it is about.")
        .field(
            Field::new("kind", TypeRef::named_nn("NotificationKind"), |ctx| {
                FieldFuture::new(async move {
                    Ok(Some(FieldValue::value(async_graphql::Value::Enum(
                        async_graphql::Name::new(kind_name(notice(&ctx)?.kind)),
                    ))))
                })
            })
            .description("What happened."),
        )
        .field(
            Field::new("subject", TypeRef::named_nn("Node"), |ctx| {
                FieldFuture::new(async move {
                    let n = notice(&ctx)?;
                    Ok(Some(
                        FieldValue::owned_any(n.row.clone()).with_type(n.type_name),
                    ))
                })
            })
            .description("The object it is about, as you may read it now."),
        );
    (object, kinds)
}
