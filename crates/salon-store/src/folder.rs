//! Where the data folder may be. SQLite's locks (and the WAL's shared memory) are not safe on a
//! network filesystem: the server or a second machine can let two writers in, and the database
//! is damaged. A data folder on one is refused before the database is opened, by the type of
//! the filesystem it is on (Linux: /proc/self/mountinfo). On Windows and macOS the check is not
//! made yet (docs/laptop.md says so).

use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

/// Filesystem types, as Linux names them, that are reached over a network. FUSE filesystems are
/// named `fuse.<program>`; a local one (`fuseblk` for NTFS or exFAT drives) is not listed.
const NETWORK_TYPES: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "ncpfs",
    "9p",
    "afs",
    "coda",
    "ceph",
    "glusterfs",
    "lustre",
    "gfs2",
    "ocfs2",
    "davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.gcsfuse",
    "fuse.davfs2",
    "fuse.glusterfs",
    "fuse.ceph-fuse",
    "fuse.smbnetfs",
    "fuse.curlftpfs",
    "fuse.gvfsd-fuse",
    "fuse.onedriver",
];

/// Whether `fstype` (as mountinfo names it) is a network filesystem.
pub fn is_network_type(fstype: &str) -> bool {
    NETWORK_TYPES.contains(&fstype)
}

/// The type of the filesystem `path` is on, by the deepest mount point in `mountinfo` (the text
/// of /proc/self/mountinfo) that holds it. `path` must be absolute and without symlinks.
pub fn filesystem_type(mountinfo: &str, path: &Path) -> Option<String> {
    mountinfo
        .lines()
        .filter_map(|line| {
            let (before, after) = line.split_once(" - ")?;
            let mount_point = unescape(before.split(' ').nth(4)?);
            let fstype = after.split(' ').next()?;
            path.starts_with(&mount_point)
                .then(|| (mount_point.components().count(), fstype.to_owned()))
        })
        // The last of the deepest: a later mount on the same point hides the earlier one.
        .fold(
            None,
            |best: Option<(usize, String)>, (depth, t)| match best {
                Some((d, _)) if d > depth => best,
                _ => Some((depth, t)),
            },
        )
        .map(|(_, t)| t)
}

/// mountinfo writes a space, tab, newline and backslash in a path as octal escapes.
fn unescape(field: &str) -> PathBuf {
    let mut out = Vec::with_capacity(field.len());
    let bytes = field.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            let text = std::str::from_utf8(d).ok()?;
            u8::from_str_radix(text, 8).ok()
        });
        match (bytes[i], octal) {
            (b'\\', Some(b)) => {
                out.push(b);
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(String::from_utf8_lossy(&out).into_owned())
}

/// Refuses a data folder on a network filesystem. A folder not made yet is judged by the
/// nearest folder above it that exists.
pub(crate) fn check_data_folder(dir: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let Some(existing) = dir.ancestors().find(|d| d.exists()) else {
            return Ok(());
        };
        let real = std::fs::canonicalize(existing)?;
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")?;
        if let Some(fstype) = filesystem_type(&mountinfo, &real) {
            if is_network_type(&fstype) {
                return Err(StoreError::NetworkFolder(fstype));
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw
23 22 0:21 / /home rw,relatime shared:2 - ext4 /dev/sda3 rw
40 23 0:45 / /home/yamada/学校 rw,relatime shared:9 - nfs4 nas:/export/school rw,vers=4.2
41 23 0:46 / /home/yamada/Shared\\040Drive rw,nosuid,nodev - fuse.sshfs yamada@nas:/share rw
42 22 0:47 / /mnt/c rw,noatime - 9p drvfs rw,aname=drvfs
43 22 8:17 / /media/usb rw,nosuid - fuseblk /dev/sdb1 rw
44 22 0:48 / /mnt/work rw - cifs //nas/work rw
45 44 0:49 / /mnt/work rw - tmpfs tmpfs rw
";

    fn kind(path: &str) -> Option<String> {
        filesystem_type(MOUNTINFO, Path::new(path))
    }

    #[test]
    fn the_deepest_mount_holding_the_folder_names_its_filesystem() {
        assert_eq!(
            kind("/home/yamada/.local/share/salon").as_deref(),
            Some("ext4")
        );
        assert_eq!(kind("/var/lib").as_deref(), Some("ext4"));
        assert_eq!(kind("/home/yamada/学校/salon").as_deref(), Some("nfs4"));
        assert_eq!(
            kind("/home/yamada/Shared Drive/salon").as_deref(),
            Some("fuse.sshfs")
        );
        assert_eq!(
            kind("/home/yamada/Shared").as_deref(),
            Some("ext4"),
            "not a prefix by text"
        );
        assert_eq!(kind("/mnt/c/Users/yamada").as_deref(), Some("9p"));
        assert_eq!(kind("/media/usb/salon").as_deref(), Some("fuseblk"));
        assert_eq!(
            kind("/mnt/work/salon").as_deref(),
            Some("tmpfs"),
            "mounted over the share"
        );
    }

    #[test]
    fn network_filesystems_are_told_from_local_ones() {
        for network in [
            "nfs",
            "nfs4",
            "cifs",
            "smb3",
            "9p",
            "fuse.sshfs",
            "fuse.rclone",
            "ceph",
        ] {
            assert!(is_network_type(network), "{network}");
        }
        for local in [
            "ext4", "xfs", "btrfs", "tmpfs", "overlay", "fuseblk", "vfat", "exfat",
        ] {
            assert!(!is_network_type(local), "{local}");
        }
    }

    #[test]
    fn this_machines_own_folders_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        check_data_folder(dir.path()).unwrap();
        check_data_folder(&dir.path().join("not/made/yet")).unwrap();
    }
}
