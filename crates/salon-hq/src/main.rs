//! `salon-hq`: serve the headquarters server, or administer its database.

mod acme;
mod backup;
mod release;
mod serve;

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use salon_hq_store::HqStore;
use salon_hq_store::{Actor, Role, Target};
use salon_hq_web::Clock;
use salon_protocol::{CampusCode, Month};

#[derive(Debug, Parser)]
#[command(name = "salon-hq", about = "キャリアサロン 事務局サーバー", version)]
struct Cli {
    /// The SQLite database file (created and migrated if missing).
    #[arg(
        long,
        global = true,
        env = "SALON_HQ_DB",
        default_value = "salon-hq.db"
    )]
    db: PathBuf,
    /// How the log on stderr is written: text lines, or one JSON object a line.
    #[arg(
        long,
        global = true,
        env = "SALON_HQ_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The log: stderr (journald keeps it under systemd), at level info.
fn init_log(format: LogFormat) {
    let log = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO);
    match format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().flatten_event(true).init(),
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the device API and the admin web.
    Serve {
        /// Address to listen on; loopback by default. Any other address needs --acme-domain, or
        /// --tls-cert and --tls-key (or a reverse proxy with TLS on this machine in front of
        /// loopback).
        #[arg(long, env = "SALON_HQ_ADDR", default_value = "127.0.0.1:8700")]
        addr: SocketAddr,
        /// The certificate chain (PEM) to serve HTTPS with, the server's own first.
        #[arg(long, env = "SALON_HQ_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, env = "SALON_HQ_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The address people open headquarters at (https://hq.example.org), used in every
        /// link the server prints; by default http:// and the listening address.
        #[arg(long, env = "SALON_HQ_PUBLIC_URL")]
        public_url: Option<String>,
        /// The address of a reverse proxy on this machine whose X-Forwarded-For names the
        /// client (127.0.0.1 for nginx beside it); repeat or separate with commas. From any
        /// other peer the header is ignored.
        #[arg(long, env = "SALON_HQ_TRUSTED_PROXY", value_delimiter = ',')]
        trusted_proxy: Vec<std::net::IpAddr>,
        /// This server's domain (hq.example.org): its certificate is obtained and renewed from
        /// an ACME authority (Let's Encrypt), which checks it on this port, so the address
        /// must be reachable from the internet on 443.
        #[arg(long, env = "SALON_HQ_ACME_DOMAIN", conflicts_with = "tls_cert")]
        acme_domain: Option<String>,
        /// Where the authority writes about a certificate that failed to renew.
        #[arg(long, env = "SALON_HQ_ACME_EMAIL", requires = "acme_domain")]
        acme_email: Option<String>,
        /// The authority's directory.
        #[arg(long, env = "SALON_HQ_ACME_DIRECTORY", default_value = acme::LETS_ENCRYPT, requires = "acme_domain")]
        acme_directory: String,
        /// The folder for the account and certificates; by default `acme` beside the database.
        #[arg(long, env = "SALON_HQ_ACME_CACHE", requires = "acme_domain")]
        acme_cache: Option<PathBuf>,
        /// Trust this authority certificate (PEM) for the directory instead of the public ones:
        /// a private or test authority.
        #[arg(long, env = "SALON_HQ_ACME_DIRECTORY_CA", requires = "acme_domain")]
        acme_directory_ca: Option<PathBuf>,
    },
    /// First set-up and scripting.
    #[command(subcommand)]
    Admin(AdminCmd),
    /// Copy the database to FILE, also while the server runs (SQLite's online backup).
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place of the database (stop the server first); what was there is kept
    /// beside it.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Put a backup with no audit chain over a chained log (in Japanese below: a doc
        /// comment's line breaks would put spaces into the sentence).
        #[arg(long, help = concat!(
            "操作記録に鎖（MAC）も鍵もないバックアップ（鎖の付く前の版の salon-hq で作ったもの）を、",
            "鎖の付いたこのサーバーに戻すことを認めます。その操作記録には戻した後に新しい鍵で初めて",
            "鎖が付くので、それまでに書き換えられていても分かりません。鎖を付けたことは操作記録に残ります。"
        ))]
        accept_unchained_backup: bool,
    },
    /// The 操作記録's chain of MACs.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The app's updates headquarters offers to laptops.
    #[command(subcommand)]
    Release(release::ReleaseCmd),
}

#[derive(Debug, Subcommand)]
enum AuditCmd {
    /// Check every line of the 操作記録 against its MAC, and that the log still ends where
    /// the head file beside the database says (and, given both, where the server log's daily
    /// line says); exits non-zero when it does not, or cannot be checked. Reads the database
    /// as it is: never migrates it, never makes a key.
    Verify {
        /// The line count from the server log's daily audit line (target salon_hq_web::audit).
        #[arg(long, requires = "expect_head")]
        expect_count: Option<u64>,
        /// The last line's MAC (64 hexadecimal digits) from the same log line.
        #[arg(long, requires = "expect_count")]
        expect_head: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCmd {
    /// Create an admin account; the password is read from SALON_HQ_ADMIN_PASSWORD or stdin.
    CreateAdmin {
        #[arg(long)]
        name: String,
        /// manager (管理者, changes things) or viewer (閲覧者, reads figures and reports).
        #[arg(long, default_value = "manager")]
        role: String,
    },
    /// Register a campus with its code.
    AddCampus {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Set the targets for a 年度 (--fiscal-year) or a project term (--from/--to).
    SetTarget(SetTarget),
    /// Issue a one-time enrolment code (valid 15 minutes) and print it.
    IssueCode {
        #[arg(long)]
        supporter: String,
        #[arg(long = "campus", required = true)]
        campuses: Vec<String>,
    },
    /// Issue a one-time code with which a new laptop (a lost or broken one's backup restored
    /// on it) takes over a device, so nothing it sends again is counted twice; print it.
    TakeoverCode {
        #[arg(long)]
        device: i64,
    },
    /// List enrolled devices.
    Devices,
    /// Revoke a device: its token is refused from now on.
    Revoke {
        #[arg(long)]
        device: i64,
    },
}

#[derive(Debug, Args)]
struct SetTarget {
    /// 年度: April of this year to March of the next.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present_all = ["from", "to"])]
    fiscal_year: Option<i32>,
    /// First month of a project term, YYYY-MM.
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Last month of a project term, YYYY-MM.
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// 導入校数 target.
    #[arg(long)]
    schools: u32,
    /// 実施回数 target.
    #[arg(long)]
    sessions: u32,
    /// 利用人数(延べ) target.
    #[arg(long)]
    visits: u32,
}

fn open(db: &Path) -> anyhow::Result<HqStore> {
    HqStore::open(db).with_context(|| format!("cannot open the database {}", db.display()))
}

fn month(text: &str) -> anyhow::Result<Month> {
    Month::parse(text).with_context(|| format!("not a month (YYYY-MM): {text}"))
}

fn campus(text: &str) -> anyhow::Result<CampusCode> {
    CampusCode::parse(text).with_context(|| format!("not a campus code (A-Z, 0-9, '-'): {text}"))
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("SALON_HQ_ADMIN_PASSWORD") {
        return Ok(p);
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the password from stdin")?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

fn admin(db: &Path, cmd: AdminCmd) -> anyhow::Result<()> {
    let store = open(db)?;
    let now = Clock::System.now();
    let by = Actor::cli();
    match cmd {
        AdminCmd::CreateAdmin { name, role } => {
            let role = Role::parse(&role)
                .ok()
                .context("--role is manager or viewer")?;
            let password = read_password()?;
            if password.chars().count() < salon_hq_store::MIN_PASSWORD_CHARS {
                bail!(
                    "the password must be at least {} characters",
                    salon_hq_store::MIN_PASSWORD_CHARS
                );
            }
            let id = store.create_admin(&by, &name, &password, role, now)?;
            println!("admin {id} created");
        }
        AdminCmd::AddCampus { code, name } => {
            store.add_campus(&by, &campus(&code)?, &name, now)?;
            println!("campus {code} added");
        }
        AdminCmd::SetTarget(t) => {
            let (from, to) = match (t.fiscal_year, t.from, t.to) {
                (Some(fy), _, _) => {
                    let p = salon_figures::Period::fiscal_year(fy);
                    (p.from, p.to)
                }
                (None, Some(f), Some(to)) => (month(&f)?, month(&to)?),
                _ => bail!("give --fiscal-year, or --from and --to"),
            };
            let target = Target {
                from,
                to,
                schools: t.schools,
                sessions: t.sessions,
                visits: t.visits,
            };
            store.set_target(&by, target, now)?;
            println!("target set for {from}..{to}");
        }
        AdminCmd::IssueCode {
            supporter,
            campuses,
        } => {
            let codes = campuses
                .iter()
                .map(|c| campus(c))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let issued = store.issue_code(&by, &supporter, &codes, now)?;
            print_code(&issued, "");
        }
        AdminCmd::TakeoverCode { device } => {
            let issued = store
                .issue_takeover_code(&by, device, now)
                .map_err(|e| match e {
                    salon_hq_store::HqError::NotFound => anyhow::anyhow!(
                        "端末 {device} は登録されていません（salon-hq admin devices で一覧を見られます）"
                    ),
                    e => e.into(),
                })?;
            print_code(&issued, &format!("takes over device {device} "));
        }
        AdminCmd::Devices => {
            for d in store.devices()? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    d.id,
                    d.supporter,
                    d.campuses.join(","),
                    d.created_at.to_rfc3339(),
                    d.revoked_at
                        .map(|t| format!("revoked {}", t.to_rfc3339()))
                        .unwrap_or_else(|| "active".into())
                );
            }
        }
        AdminCmd::Revoke { device } => {
            store.revoke(&by, device, now)?;
            println!("device {device} revoked");
        }
    }
    Ok(())
}

/// `audit verify`: the verdict on stdout when the log is whole, each problem on stderr when it
/// is not (then false).
fn verify(
    db: &Path,
    expect_count: Option<u64>,
    expect_head: Option<String>,
) -> anyhow::Result<bool> {
    if !db.exists() {
        bail!("データベース {} がありません", db.display());
    }
    let expected = match (expect_count, expect_head) {
        (Some(count), Some(head)) => {
            let mac = data_encoding::HEXLOWER_PERMISSIVE
                .decode(head.trim().as_bytes())
                .ok()
                .filter(|m| m.len() == 32)
                .context("--expect-head は 64 桁の16進数（ログの head）で指定してください")?;
            Some((count, mac))
        }
        _ => None,
    };
    // As the file is: `HqStore::open` would migrate it and could make a key (`verify_file`).
    let verified = salon_hq_store::verify_file(db, expected)
        .with_context(|| format!("データベース {} を読めません", db.display()))?;
    let check = match verified {
        salon_hq_store::Verified::Checked(check) => check,
        unchecked => {
            eprintln!("操作記録を確かめられません。");
            eprintln!("- {}", unchecked.unchecked_ja().unwrap_or_default());
            return Ok(false);
        }
    };
    if check.intact() {
        println!("{}", check.summary_ja());
        print_notices(&check);
        return Ok(true);
    }
    eprintln!("操作記録が改ざんされています。");
    for problem in &check.problems {
        eprintln!("- {}", problem.ja());
    }
    eprintln!(
        "（データベースには {} 行、最新の行の MAC {}）",
        check.lines,
        check.head_hex()
    );
    print_notices(&check);
    Ok(false)
}

/// The server's lines about the chain, which hold whether or not the rest does.
fn print_notices(check: &salon_hq_store::AuditCheck) {
    for notice in &check.notices {
        println!("注意：{}", notice.ja());
    }
}

/// The code on stdout (for a script), who and what it is for on stderr.
fn print_code(issued: &salon_hq_store::IssuedCode, what: &str) {
    println!("{}", issued.code);
    eprintln!(
        "{what}for {} ({}), valid until {} (Asia/Tokyo), once",
        issued.supporter,
        issued.campuses.join(", "),
        issued
            .expires_at
            .with_timezone(&salon_hq_store::tokyo::ZONE)
            .format("%Y-%m-%d %H:%M")
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_log(cli.log_format);
    match cli.command {
        Command::Serve {
            addr,
            public_url,
            trusted_proxy,
            tls_cert,
            tls_key,
            acme_domain,
            acme_email,
            acme_directory,
            acme_cache,
            acme_directory_ca,
        } => {
            let acme = acme_domain.map(|domain| acme::AcmeSettings {
                domain,
                email: acme_email,
                directory: acme_directory,
                cache: acme_cache
                    .unwrap_or_else(|| cli.db.parent().unwrap_or(Path::new(".")).join("acme")),
                directory_ca: acme_directory_ca,
            });
            serve::serve(serve::Settings {
                db: cli.db,
                addr,
                public_url,
                tls: tls_cert.zip(tls_key),
                acme,
                trusted_proxies: trusted_proxy,
            })
            .await
        }
        Command::Admin(cmd) => {
            let db = cli.db.clone();
            tokio::task::spawn_blocking(move || admin(&db, cmd)).await?
        }
        Command::Release(cmd) => {
            let db = cli.db.clone();
            tokio::task::spawn_blocking(move || release::release(&open(&db)?, cmd)).await?
        }
        Command::Backup { to } => {
            let copied = backup::backup(&cli.db, &to)?;
            println!(
                "バックアップを作成しました：{} （{} KiB, 版 {}）",
                to.display(),
                copied.bytes.div_ceil(1024),
                copied.schema
            );
            println!(
                "操作記録の鍵はその隣の {}.audit-key です。バックアップと一緒に保管してください",
                to.display()
            );
            Ok(())
        }
        Command::Restore {
            from,
            accept_unchained_backup,
        } => {
            let copied = backup::restore(&from, &cli.db, accept_unchained_backup)?;
            // Opening migrates a backup made by an older version; the log's end is now the
            // backup's.
            let store = open(&cli.db)?;
            store.reset_audit_head()?;
            let check = store.check_audit(None)?;
            println!(
                "{} を復元しました （{} KiB, 版 {}）。サーバーを起動してください",
                from.display(),
                copied.bytes.div_ceil(1024),
                copied.schema
            );
            if check.intact() {
                println!("{}", check.summary_ja());
            } else {
                for problem in &check.problems {
                    eprintln!("操作記録：{}", problem.ja());
                }
            }
            print_notices(&check);
            Ok(())
        }
        Command::Audit(AuditCmd::Verify {
            expect_count,
            expect_head,
        }) => {
            let db = cli.db.clone();
            let intact =
                tokio::task::spawn_blocking(move || verify(&db, expect_count, expect_head))
                    .await??;
            if !intact {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
