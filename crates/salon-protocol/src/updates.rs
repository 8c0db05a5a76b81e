//! Updates of the app, served by headquarters to the devices it knows: which bundle a laptop
//! of a platform gets (`UpdatePlatform`), and the answer Tauri's updater reads
//! (`UpdateOffer`, its "dynamic server" form: 204 when there is nothing newer). The bundle is
//! signed by the NPO's updater key, which never reaches headquarters; the app checks the
//! signature against the public key built into it, so headquarters can offer only what the
//! NPO signed. Outside the protocol's version: an app too old to sync still finds its update.

use std::fmt;

use serde::Serialize;

use crate::AppVersion;

/// Where the update check is asked: `{UPDATES_PATH}/{target}/{arch}/{current_version}?bundle=…`.
pub const UPDATES_PATH: &str = "/api/updates";

/// A kind of laptop and the bundle that updates it: the updater's target and architecture, and
/// how the app was installed (a .deb asks for an administrator's password; an AppImage or the
/// per-user NSIS installer does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UpdatePlatform {
    pub target: Target,
    pub arch: Arch,
    pub bundle: Bundle,
}

crate::code_enum! {
    /// The system a laptop runs, as Tauri's updater names it.
    Target {
        Linux = "linux",
        Windows = "windows",
        Darwin = "darwin",
    }
}

crate::code_enum! {
    /// The processor, as Tauri's updater names it.
    Arch {
        X86_64 = "x86_64",
        Aarch64 = "aarch64",
    }
}

crate::code_enum! {
    /// How the app was installed, and so which bundle updates it.
    Bundle {
        Deb = "deb",
        AppImage = "appimage",
        Nsis = "nsis",
        Msi = "msi",
        App = "app",
    }
}

impl Bundle {
    /// The bundles that update an app on `target`.
    pub fn fits(self, target: Target) -> bool {
        matches!(
            (target, self),
            (Target::Linux, Bundle::Deb | Bundle::AppImage)
                | (Target::Windows, Bundle::Nsis | Bundle::Msi)
                | (Target::Darwin, Bundle::App)
        )
    }

    /// What an app that does not name its bundle was installed with: the default installer
    /// of its platform.
    pub fn usual(target: Target) -> Bundle {
        match target {
            Target::Linux => Bundle::Deb,
            Target::Windows => Bundle::Nsis,
            Target::Darwin => Bundle::App,
        }
    }
}

impl UpdatePlatform {
    /// `linux-x86_64-deb`, as an admin names it and headquarters stores it.
    pub fn parse(text: &str) -> Option<UpdatePlatform> {
        let mut parts = text.trim().splitn(3, '-');
        let target = Target::from_code(parts.next()?)?;
        let arch = parts.next()?;
        // `x86_64` holds an underscore, never a hyphen: the rest is the bundle.
        let arch = Arch::from_code(arch)?;
        let bundle = Bundle::from_code(parts.next()?)?;
        UpdatePlatform::of(target, arch, bundle)
    }

    /// The platform, when the bundle can update an app on that target.
    pub fn of(target: Target, arch: Arch, bundle: Bundle) -> Option<UpdatePlatform> {
        bundle.fits(target).then_some(UpdatePlatform {
            target,
            arch,
            bundle,
        })
    }

    /// Every platform headquarters can serve, for the forms that name one.
    pub fn all() -> Vec<UpdatePlatform> {
        let mut out = Vec::new();
        for &target in Target::ALL {
            for &arch in Arch::ALL {
                for &bundle in Bundle::ALL {
                    out.extend(UpdatePlatform::of(target, arch, bundle));
                }
            }
        }
        out
    }
}

impl fmt::Display for UpdatePlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.target.code(),
            self.arch.code(),
            self.bundle.code()
        )
    }
}

/// An update offered to a laptop, as Tauri's updater reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateOffer {
    pub version: String,
    /// 更新内容, in Japanese; the app shows it as plain text.
    pub notes: String,
    /// When headquarters was given it (RFC 3339).
    pub pub_date: String,
    /// Where the bundle is downloaded, with the device's token.
    pub url: String,
    /// The `.sig` file the NPO's updater key made for the bundle.
    pub signature: String,
}

/// The `.sig` file `tauri signer sign` writes beside a bundle: base64 of a minisign signature.
/// Its trusted comment, which the signature covers, names the version the bundle was signed
/// for (`version:1.0.1`; `tauri build` writes it, `tauri signer sign --app-version` by hand).
/// The app installs a bundle only when that version is the one offered
/// (`requireSignedVersion`), so an older bundle the NPO once signed cannot be offered as a
/// newer one. Read here without checking the signature: headquarters, which has no key, reads
/// it to refuse at once what every laptop would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSignature {
    trusted_comment: String,
}

impl UpdateSignature {
    /// The signature in `text`, or `None` for anything else (the bundle, the public key,
    /// which is two lines where a signature is four).
    pub fn read(text: &str) -> Option<UpdateSignature> {
        let decoded = data_encoding::BASE64.decode(text.trim().as_bytes()).ok()?;
        if decoded.len() >= 4096 {
            return None;
        }
        let text = String::from_utf8(decoded).ok()?;
        let lines: Vec<&str> = text.lines().collect();
        let [untrusted, _, trusted, _] = lines.as_slice() else {
            return None;
        };
        untrusted.starts_with("untrusted comment:").then_some(())?;
        let trusted = trusted.strip_prefix("trusted comment:")?;
        Some(UpdateSignature {
            trusted_comment: trusted.trim().to_owned(),
        })
    }

    /// The version the bundle was signed for, when the signature names one.
    pub fn version(&self) -> Option<AppVersion> {
        self.trusted_comment
            .split('\t')
            .find_map(|field| field.strip_prefix("version:"))
            .and_then(|v| AppVersion::parse(v.trim_start_matches('v')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `.sig` that `tauri signer sign --app-version 1.0.1` wrote for a file (CLI 2.12.5).
    const SIGNED_1_0_1: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZSBmcm9tIHRhdXJpIHNlY3JldCBrZXkKUlVRZnVnbU5odUErZEdaWEtJQStUMFJTeVhFYS9OcU5hcFh1TkdQVisxb1VtMSt2ck9vOXduU0pQc2Z0aHFvVmx1V3QrK2hUNWR0Sm84VXhsWVB5Vmt3QUdwa3pQVWxlUWdVPQp0cnVzdGVkIGNvbW1lbnQ6IHRpbWVzdGFtcDoxNzk2NTM1MzA5CWZpbGU6Q2FyZWVyIFNhbG9uXzEuMC4xX2FtZDY0LmRlYgl2ZXJzaW9uOjEuMC4xClZFZ2k1c0tWeUJCUHVxZ0FJVTVLYmV6WUVQWkk2bTZra1V6VWgyUTFsZ1dvSUd0SU5MRHBubkJ6WFZWMEdZUytXL2VPUHp2TWM3L2dhTVRTWlNDaUR3PT0K";

    #[test]
    fn a_signature_names_the_version_it_was_made_for() {
        let signed = UpdateSignature::read(SIGNED_1_0_1).expect("a signature");
        assert_eq!(signed.version(), AppVersion::parse("1.0.1"));
        // Made before versions were signed: a signature, but of no version.
        let unversioned = data_encoding::BASE64
            .encode(b"untrusted comment: x\nRUQ\ntrusted comment: timestamp:1\tfile:a.deb\nAAA\n");
        let read = UpdateSignature::read(&unversioned).expect("still a signature");
        assert_eq!(read.version(), None);
        // A public key, the bundle, plain text: not signatures.
        let public_key =
            data_encoding::BASE64.encode(b"untrusted comment: minisign public key: 743E\nRWQfug\n");
        for not in [
            public_key.as_str(),
            "!<arch>\ndebian-binary",
            "",
            "untrusted comment:",
        ] {
            assert_eq!(UpdateSignature::read(not), None, "{not}");
        }
    }

    #[test]
    fn a_platform_is_read_as_written_and_only_with_a_bundle_that_fits_it() {
        for p in UpdatePlatform::all() {
            assert_eq!(UpdatePlatform::parse(&p.to_string()), Some(p));
        }
        assert_eq!(UpdatePlatform::all().len(), 10);
        let deb = UpdatePlatform::parse("linux-x86_64-deb").unwrap();
        assert_eq!(
            (deb.target, deb.arch, deb.bundle),
            (Target::Linux, Arch::X86_64, Bundle::Deb)
        );
        for wrong in [
            "linux-x86_64-nsis",
            "windows-x86_64-deb",
            "linux-x86_64",
            "linux-i686-deb",
            "LINUX-x86_64-deb",
            "",
        ] {
            assert_eq!(UpdatePlatform::parse(wrong), None, "{wrong}");
        }
    }
}
