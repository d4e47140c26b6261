//! Results: one row per operation, printed as a markdown table (and JSON).

use std::fmt::Write;

use crate::{
    dataset::Backend,
    driver::Measured,
    ops::Op,
    server::{Counters, Memory},
};

#[derive(serde::Serialize)]
pub struct Row {
    pub op: &'static str,
    pub backend: Backend,
    pub scale: u32,
    pub concurrency: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub stmts_per_req: f64,
    pub depth: u32,
    pub errors: u64,
    pub first_error: Option<String>,
    pub floor_rps: Option<f64>,
    pub floor_p50_ms: Option<f64>,
    pub floor_p99_ms: Option<f64>,
    pub floor_errors: Option<u64>,
    /// Gateway rps / floor rps.
    pub ratio: Option<f64>,
    /// The floor inside the request's database envelope
    /// (`--floor-envelope`, PostgreSQL), measured in the same run.
    pub envelope_rps: Option<f64>,
    pub envelope_p99_ms: Option<f64>,
    /// Enveloped floor rps / floor rps: the most a gateway that cost
    /// nothing itself could reach against the floor.
    pub envelope_ratio: Option<f64>,
    /// Gateway rps / enveloped floor rps: the gateway's own cost alone.
    pub gateway_envelope_ratio: Option<f64>,
    /// Server memory after the op.
    pub memory: Memory,
}

impl Row {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        op: &Op,
        backend: Backend,
        scale: u32,
        concurrency: usize,
        gw: &Measured,
        before: Counters,
        after: Counters,
        floor: Option<&Measured>,
        envelope: Option<&Measured>,
        memory: Memory,
    ) -> Self {
        let reqs = after.requests.saturating_sub(before.requests);
        let stmts = after.statements.saturating_sub(before.statements);
        Self {
            op: op.name,
            backend,
            scale,
            concurrency,
            rps: gw.rps(),
            p50_ms: gw.quantile_ms(0.5),
            p99_ms: gw.quantile_ms(0.99),
            requests: reqs,
            stmts_per_req: if reqs == 0 {
                0.0
            } else {
                stmts as f64 / reqs as f64
            },
            depth: op.depth,
            errors: gw.errors,
            first_error: gw.first_error.clone(),
            floor_rps: floor.map(Measured::rps),
            floor_p50_ms: floor.map(|f| f.quantile_ms(0.5)),
            floor_p99_ms: floor.map(|f| f.quantile_ms(0.99)),
            floor_errors: floor.map(|f| f.errors),
            ratio: floor.map(|f| per(gw, f)),
            envelope_rps: envelope.map(Measured::rps),
            envelope_p99_ms: envelope.map(|e| e.quantile_ms(0.99)),
            envelope_ratio: envelope.zip(floor).map(|(e, f)| per(e, f)),
            gateway_envelope_ratio: envelope.map(|e| per(gw, e)),
            memory,
        }
    }
}

/// `a`'s rate as a share of `b`'s.
fn per(a: &Measured, b: &Measured) -> f64 {
    a.rps() / b.rps().max(f64::MIN_POSITIVE)
}

#[derive(serde::Serialize)]
pub struct Report {
    pub rows: Vec<Row>,
    /// Server memory at the end (peak = VmHWM over the whole run).
    pub memory: Memory,
    pub duration_s: f64,
    pub concurrency: usize,
    pub server_pool: u32,
    pub floor_pool: u32,
    /// The floor also ran inside the gateway's database envelope
    /// (`--floor-envelope`).
    pub floor_envelope: bool,
    /// `--ops subscriptions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscriptions: Option<crate::subscriptions::Row>,
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.digits$}"))
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        if self.rows.is_empty() {
            if let Some(sub) = &self.subscriptions {
                s.push_str(&sub.markdown());
            }
            return s;
        }
        let (head, rule) = match self.floor_envelope {
            true => (
                " envelope rps | envelope p99 ms | envelope/floor | gateway/envelope |",
                "---:|---:|---:|---:|",
            ),
            false => ("", ""),
        };
        let _ = writeln!(
            s,
            "| op | backend | scale | rps | p50 ms | p99 ms | stmts/req (depth) | errors | floor rps | floor p50/p99 ms | gateway/floor |{head}"
        );
        let _ = writeln!(
            s,
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|{rule}"
        );
        for r in &self.rows {
            let backend = match r.backend {
                Backend::Postgres => "postgres",
                Backend::Sqlite => "sqlite",
            };
            let floor_err = match r.floor_errors {
                Some(n) if n > 0 => format!(" ({n} floor errors)"),
                _ => String::new(),
            };
            let envelope = match self.floor_envelope {
                true => format!(
                    " {} | {} | {} | {} |",
                    opt(r.envelope_rps, 0),
                    opt(r.envelope_p99_ms, 2),
                    opt(r.envelope_ratio, 2),
                    opt(r.gateway_envelope_ratio, 2),
                ),
                false => String::new(),
            };
            let _ = writeln!(
                s,
                "| {} | {backend} | {} | {:.0} | {:.2} | {:.2} | {:.2} ({}) | {} | {} | {} / {}{floor_err} | {} |{envelope}",
                r.op,
                r.scale,
                r.rps,
                r.p50_ms,
                r.p99_ms,
                r.stmts_per_req,
                r.depth,
                r.errors,
                opt(r.floor_rps, 0),
                opt(r.floor_p50_ms, 2),
                opt(r.floor_p99_ms, 2),
                opt(r.ratio, 2),
            );
        }
        let _ = writeln!(
            s,
            "\n{} concurrent connections, {:.0} s per op, server pool {}, floor pool {}{}; server memory: peak {:.1} MiB, at end {:.1} MiB",
            self.concurrency,
            self.duration_s,
            self.server_pool,
            self.floor_pool,
            if self.floor_envelope {
                " (each floor also in the request's envelope)"
            } else {
                ""
            },
            self.memory.peak_kib as f64 / 1024.0,
            self.memory.rss_kib as f64 / 1024.0
        );
        for r in self.rows.iter().filter(|r| r.errors > 0) {
            let _ = writeln!(
                s,
                "FAILED {}: {} errors, first: {}",
                r.op,
                r.errors,
                r.first_error.as_deref().unwrap_or("?")
            );
        }
        if let Some(sub) = &self.subscriptions {
            s.push_str(&sub.markdown());
        }
        s
    }
}
