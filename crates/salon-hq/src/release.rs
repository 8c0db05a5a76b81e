//! `salon-hq release`: the app's updates headquarters serves. The NPO builds and signs a
//! release on its own machine (its updater key never comes here); an admin adds the bundle
//! with its `.sig` file and Japanese notes, and may withdraw it, or stop offering updates.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use salon_hq_store::{Actor, HqStore, NewAppUpdate};
use salon_hq_web::Clock;
use salon_protocol::updates::UpdatePlatform;
use salon_protocol::AppVersion;

#[derive(Debug, Subcommand)]
pub enum ReleaseCmd {
    /// Add an update: the bundle `tauri build` made, the `.sig` file the NPO's updater key made
    /// for it, and the notes (更新内容) supporters read before they update.
    Add {
        /// The app's version in the bundle, e.g. 1.1.0.
        #[arg(long)]
        version: String,
        /// Which laptops it updates: linux-x86_64-deb, linux-x86_64-appimage,
        /// windows-x86_64-nsis, windows-x86_64-msi, darwin-aarch64-app, …
        #[arg(long)]
        platform: String,
        #[arg(long)]
        bundle: PathBuf,
        /// The signature file; by default the bundle's name with `.sig` added.
        #[arg(long)]
        signature: Option<PathBuf>,
        /// A UTF-8 text file with the notes, in Japanese.
        #[arg(long)]
        notes: PathBuf,
    },
    /// List the updates headquarters keeps.
    List,
    /// Offer an update to no laptop again (one that took it keeps it).
    Withdraw {
        /// The update's number, as `release list` shows it.
        #[arg(long)]
        id: i64,
    },
    /// Offer updates to every laptop (`on`), or to none (`off`: laptops an IT department
    /// installs).
    Offer {
        #[arg(value_parser = ["on", "off"])]
        switch: String,
    },
}

pub fn release(store: &HqStore, cmd: ReleaseCmd) -> anyhow::Result<()> {
    let now = Clock::System.now();
    let by = Actor::cli();
    match cmd {
        ReleaseCmd::Add {
            version,
            platform,
            bundle,
            signature,
            notes,
        } => {
            let version = AppVersion::parse(&version)
                .with_context(|| format!("版「{version}」が読めません（例：1.1.0）"))?;
            let platform = UpdatePlatform::parse(&platform).with_context(|| {
                let all: Vec<String> = UpdatePlatform::all()
                    .iter()
                    .map(|p| p.to_string())
                    .collect();
                format!(
                    "対象「{platform}」が読めません（{}のどれか）",
                    all.join("、")
                )
            })?;
            let signature_path = signature.unwrap_or_else(|| {
                let mut p = bundle.clone().into_os_string();
                p.push(".sig");
                PathBuf::from(p)
            });
            let named = format!("{version}（{platform}）");
            let new = NewAppUpdate {
                version,
                platform,
                file_name: bundle
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bundle: std::fs::read(&bundle)
                    .with_context(|| format!("更新ファイル {} が読めません", bundle.display()))?,
                signature: std::fs::read_to_string(&signature_path).with_context(|| {
                    format!("署名ファイル {} が読めません", signature_path.display())
                })?,
                notes: std::fs::read_to_string(&notes).with_context(|| {
                    format!("更新内容のファイル {} が読めません", notes.display())
                })?,
            };
            let id = store
                .add_app_update(&by, new, now)
                .map_err(|e| anyhow::anyhow!(salon_hq_web::message_ja(&e)))?;
            println!("更新 {id} を追加しました：{named}");
            if !store.updates_offered()? {
                println!("いまは更新を配信していません（salon-hq release offer on で配信します）");
            }
        }
        ReleaseCmd::List => {
            let offered = store.updates_offered()?;
            println!("配信：{}", if offered { "する" } else { "しない" });
            for u in store.app_updates()? {
                println!(
                    "{}\t{}\t{}\t{}\t{} KiB\tsha256 {}\t{}",
                    u.id,
                    u.version,
                    u.platform,
                    u.file_name,
                    u.bytes.div_ceil(1024),
                    u.sha256,
                    match u.withdrawn_at {
                        Some(at) => format!("取り下げ {}", at.to_rfc3339()),
                        None => format!("追加 {}", u.added_at.to_rfc3339()),
                    }
                );
            }
        }
        ReleaseCmd::Withdraw { id } => {
            store
                .withdraw_app_update(&by, id, now)
                .map_err(|e| anyhow::anyhow!(salon_hq_web::message_ja(&e)))?;
            println!("更新 {id} を取り下げました");
        }
        ReleaseCmd::Offer { switch } => {
            let on = switch == "on";
            store.set_updates_offered(&by, on, now)?;
            println!(
                "{}",
                if on {
                    "更新を配信します"
                } else {
                    "更新を配信しません（各パソコンには更新が届きません）"
                }
            );
        }
    }
    Ok(())
}
