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
                tokio::spawn(coachql::metrics::serve(metrics));
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
