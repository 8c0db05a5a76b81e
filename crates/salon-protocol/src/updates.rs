//! Updates of the app, served by headquarters to the devices it knows: which bundle a laptop
//! of a platform gets (`UpdatePlatform`), and the answer Tauri's updater reads
//! (`UpdateOffer`, its "dynamic server" form: 204 when there is nothing newer). The bundle is
//! signed by the NPO's updater key, which never reaches headquarters; the app checks the
//! signature against the public key built into it, so headquarters can offer only what the
//! NPO signed. Outside the protocol's version: an app too old to sync still finds its update.

use std::fmt;

use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::*;

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
