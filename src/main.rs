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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "coachql=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            let db = coachql::open_database(&config, true).await?;
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
        Command::Token { tenant, email } => {
            let db = coachql::open_database(&config, false).await?;
            println!(
                "{}",
                coachql::issue_token(&config, &db, &tenant, &email).await?
            );
        }
    }
    Ok(())
}
