//! Real filesystems mounted for a test and unmounted when it ends: a small tmpfs that fills
//! up, and sshfs over a loopback sshd (a network filesystem). Mounting needs root, which CI
//! has; elsewhere the suites that use them fail and say so, unless `SALON_SKIP_ROOT_SUITES=1`
//! asks to leave them out.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Whether the test may mount: true as root; false (the test returns) only when asked.
fn may_mount(what: &str) -> bool {
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        return true;
    }
    if std::env::var_os("SALON_SKIP_ROOT_SUITES").is_some() {
        eprintln!("SKIPPED: mounting {what} needs root (SALON_SKIP_ROOT_SUITES)");
        return false;
    }
    panic!("this suite mounts {what} and needs root (CI runs as root); SALON_SKIP_ROOT_SUITES=1 leaves it out");
}

#[derive(Debug)]
pub struct SmallDisk {
    _holder: tempfile::TempDir,
    pub path: PathBuf,
}

impl SmallDisk {
    /// A tmpfs of `kib` KiB, or `None` when root suites are skipped on purpose.
    pub fn mount(kib: u64) -> Option<SmallDisk> {
        if !may_mount("a small tmpfs") {
            return None;
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

/// A folder on sshfs: a folder of this machine served by an sshd on 127.0.0.1 (its own keys and
/// config in a temp folder) and mounted through FUSE, as a supporter's network drive would be.
#[derive(Debug)]
pub struct Sshfs {
    work: tempfile::TempDir,
    sshd: Child,
    pub path: PathBuf,
}

impl Sshfs {
    pub fn mount() -> Option<Sshfs> {
        if !may_mount("sshfs") {
            return None;
        }
        let work = tempfile::tempdir().unwrap();
        let w = work.path();
        for key in ["host_key", "client_key"] {
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(w.join(key))
                .status()
                .expect("ssh-keygen (Debian openssh-client)");
            assert!(made.success());
        }
        std::fs::copy(w.join("client_key.pub"), w.join("authorized_keys")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {w}/host_key\n\
             AuthorizedKeysFile {w}/authorized_keys\nPermitRootLogin prohibit-password\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nStrictModes no\n\
             UsePAM no\nPidFile {w}/sshd.pid\nSubsystem sftp internal-sftp\n",
            w = w.display()
        );
        std::fs::write(w.join("sshd_config"), config).unwrap();
        std::fs::create_dir_all("/run/sshd").unwrap();
        let sshd = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(w.join("sshd_config"))
            .stderr(Stdio::null())
            .spawn()
            .expect("sshd (Debian openssh-server)");
        std::fs::create_dir(w.join("remote")).unwrap();
        std::fs::create_dir(w.join("mnt")).unwrap();
        let options = format!(
            "IdentityFile={}/client_key,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes",
            w.display()
        );
        // sshd takes a moment to listen.
        let mounted = (0..50).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            Command::new("sshfs")
                .args(["-p", &port.to_string(), "-o", &options])
                .arg(format!("root@127.0.0.1:{}/remote", w.display()))
                .arg(w.join("mnt"))
                .stderr(Stdio::null())
                .status()
                .expect("sshfs (Debian sshfs)")
                .success()
        });
        assert!(mounted, "sshfs could not mount from the loopback sshd");
        let path = w.join("mnt");
        Some(Sshfs { work, sshd, path })
    }

    /// The folder the mount shows, as the server holds it.
    pub fn served(&self) -> PathBuf {
        self.work.path().join("remote")
    }
}

impl Drop for Sshfs {
    fn drop(&mut self) {
        let _ = Command::new("fusermount")
            .arg("-u")
            .arg(&self.path)
            .status();
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
    }
}
