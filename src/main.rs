use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use coachql::{config::Config, db};

#[derive(Parser)]
#[command(
    name = "coachql",
    version,
    about = "GraphQL gateway for coaching and learning platforms"
)]
struct Cli {
    /// TOML configuration file (default: ./coachql.toml if present).
    #[arg(long, global = true, env = "COACHQL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL (the default).
    Serve {
        /// Address to listen on (overrides config and COACHQL_BIND).
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
    },
    /// Apply pending migrations.
    Migrate,
    /// Load the demo data (idempotent).
    Seed,
    /// Print the GraphQL schema (SDL) to stdout.
    Schema,
    /// Hash every `.graphql` file under a folder into a trusted-documents
    /// manifest (JSON, hash → document) on stdout.
    Documents {
        /// The folder of `.graphql` files.
        dir: PathBuf,
    },
    /// Print a signed token for a demo user's membership in a tenant.
    Token {
        /// Tenant slug.
        #[arg(long)]
        tenant: String,
        /// User email.
        #[arg(long)]
        email: String,
    },
}

/// mimalloc instead of glibc's malloc: a request allocates and frees many
/// small values (the parsed document's copy, the statement, the JSON and
/// the response), and glibc's allocator was about a fifth of the server's
/// CPU under load (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Two of mimalloc's defaults do not suit a server that must give memory
/// back. It commits its arenas eagerly, and every thread that allocates
/// (SQLite's pool runs one per connection) then holds memory it has not
/// used: +50 MiB of RSS at 32 SQLite connections. And it returns freed
/// pages to the OS only after a delay, checked when a thread next
/// allocates, so a burst of large blocks freed on a thread that then idles
/// (a password hash on the blocking pool) stayed resident. Arenas are
/// committed on demand and freed pages are returned at once
/// (docs/BENCHMARKS.md). The options must be set before the first
/// allocation creates the first arena, so a constructor sets them when
/// the binary is loaded, before Rust's runtime allocates (`.init_array`,
/// ELF; elsewhere mimalloc keeps its defaults).
#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    // `mi_option_arena_eager_commit` and `mi_option_purge_delay` in
    // mimalloc.h (the bindings do not name them for mimalloc 3).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: stores process-wide options; runs at load time, on the one
    // thread there is, and allocates nothing.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    coachql::init_logging(&config.log_format);
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            config.resolve_secret()?;
            let db = coachql::open_database(&config, true).await?;
            if let Some(addr) = config.metrics_bind {
                let metrics = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} for metrics"))?;
                tracing::info!("metrics at http://{}/metrics", metrics.local_addr()?);
                tokio::spawn(coachql::metrics::serve(metrics, db.clone()));
            }
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("cannot listen on {}", config.bind))?;
            tracing::info!("GraphiQL at http://{}/graphql", listener.local_addr()?);
            coachql::serve(config, db, listener, coachql::shutdown_signal()).await?;
        }
        Command::Migrate => {
            let db = coachql::open_database(&config, false).await?;
            db::migrate(&db).await?;
            eprintln!("migrations applied");
        }
        Command::Seed => {
            let db = coachql::open_database(&config, false).await?;
            db::migrate(&db).await?;
            let n = coachql::seed::load(&db).await?;
            eprintln!("demo data loaded ({n} new rows)");
        }
        Command::Schema => {
            print!("{}", coachql::build_schema(&config)?.schema.sdl());
        }
        Command::Documents { dir } => {
            let manifest = coachql::persisted::manifest_of(&dir)?;
            eprintln!("{} documents", manifest.len());
            println!("{}", serde_json::to_string_pretty(&manifest)?);
        }
        Command::Token { tenant, email } => {
            config.resolve_secret()?;
            let db = coachql::open_database(&config, false).await?;
            println!(
                "{}",
                coachql::issue_token(&config, &db, &tenant, &email).await?
            );
        }
    }
    Ok(())
}
