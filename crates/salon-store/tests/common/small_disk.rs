//! A small real filesystem that fills up: a size-limited tmpfs mounted for the test and
//! unmounted when it ends. Mounting needs root, which CI has; elsewhere the suites that use it
//! fail and say so, unless `SALON_SKIP_ROOT_SUITES=1` asks to leave them out.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug)]
pub struct SmallDisk {
    _holder: tempfile::TempDir,
    pub path: PathBuf,
}

impl SmallDisk {
    /// A tmpfs of `kib` KiB, or `None` when root suites are skipped on purpose.
    pub fn mount(kib: u64) -> Option<SmallDisk> {
        let uid = Command::new("id").arg("-u").output().expect("id -u");
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            if std::env::var_os("SALON_SKIP_ROOT_SUITES").is_some() {
                eprintln!("SKIPPED: mounting a small disk needs root (SALON_SKIP_ROOT_SUITES)");
                return None;
            }
            panic!("the disk-full suite mounts a small tmpfs and needs root (CI runs as root); SALON_SKIP_ROOT_SUITES=1 leaves it out");
        }
        let holder = tempfile::tempdir().unwrap();
        let path = holder.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(&path)
            .status()
            .expect("mount");
        assert!(status.success(), "mount -t tmpfs failed");
        Some(SmallDisk {
            _holder: holder,
            path,
        })
    }

    /// Fills what is left with a file, until the filesystem says it is full.
    pub fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0xA5u8; 4096];
        loop {
            match file.write_all(&block) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        // Single bytes too, so not even a partial block is left.
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
        filler
    }

    pub fn free_bytes(&self) -> u64 {
        let out = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&self.path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
