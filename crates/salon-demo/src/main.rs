//! `salon-demo`: builds the seed's term in a folder and serves its headquarters on
//! 127.0.0.1 until Ctrl-C (or, with `--exit`, stops once it is built).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "salon-demo",
    about = "キャリアサロン：事業期間のデモ（シードの振り返りを再現）"
)]
struct Cli {
    /// The folder for headquarters' database and the simulated laptops (must not hold a demo).
    #[arg(long, default_value = "demo-data")]
    dir: PathBuf,
    /// Where headquarters listens.
    #[arg(long, default_value = "127.0.0.1:8700")]
    addr: SocketAddr,
    /// Stop once the demo is built, leaving the database in the folder.
    #[arg(long)]
    exit: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cli.addr))?;
    eprintln!("building the demo term in {} …", cli.dir.display());
    let started = std::time::Instant::now();
    let demo = salon_demo::run(&cli.dir, listener).await?;
    println!(
        "事務局のデモができました（{:.0}秒）。\n  ダッシュボード：{}/\n  事業報告：{}/report?term={}\n  ログイン：名前「{}」、パスワード「{}」",
        started.elapsed().as_secs_f64(),
        demo.url,
        demo.url,
        demo.term_id,
        salon_demo::ADMIN,
        salon_demo::ADMIN_PASSWORD
    );
    if !cli.exit {
        println!("Ctrl-C で終了します。");
        tokio::signal::ctrl_c().await?;
    }
    Ok(())
}
