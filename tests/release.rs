//! `scripts/release-build` packs a static Linux binary: the archive and its
//! checksum land in the output folder, the checksum matches, and the binary
//! in the archive has no program interpreter and needs no shared library,
//! and prints the package version.
//!
//! The test builds with the dev profile so that the test suite stays within
//! minutes (a release build of every dependency for musl takes far longer);
//! the release workflow runs the same script with the release profile. The
//! build goes to its own folder under the target folder, so that it never
//! waits for, or invalidates, the test suite's own build.

#![cfg(target_os = "linux")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `<target folder>/release-build`, next to the debug build of the tests.
fn build_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_modelsite"))
        .parent()
        .and_then(Path::parent)
        .expect("the binary lies in <target>/<profile>/")
        .join("release-build")
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().expect("two bytes"))
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;

/// What makes a 64-bit little-endian ELF executable depend on others: its
/// program interpreter (PT_INTERP) and the shared libraries its dynamic
/// section names (DT_NEEDED). A static PIE has a dynamic section, for its
/// own relocations, but neither of these.
fn dynamic_needs(elf: &[u8]) -> (bool, usize) {
    assert!(elf.len() > 64 && &elf[..4] == b"\x7fELF", "not an ELF file");
    assert_eq!(elf[4], 2, "not a 64-bit ELF file");
    assert_eq!(elf[5], 1, "not a little-endian ELF file");
    let phoff = usize::try_from(u64_at(elf, 0x20)).expect("offset");
    let phentsize = usize::from(u16_at(elf, 0x36));
    let phnum = usize::from(u16_at(elf, 0x38));
    let mut interp = false;
    let mut needed = 0;
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        match u32_at(elf, ph) {
            PT_INTERP => interp = true,
            PT_DYNAMIC => {
                let offset = usize::try_from(u64_at(elf, ph + 8)).expect("offset");
                let size = usize::try_from(u64_at(elf, ph + 32)).expect("size");
                for entry in elf[offset..offset + size].chunks_exact(16) {
                    match u64_at(entry, 0) {
                        DT_NULL => break,
                        DT_NEEDED => needed += 1,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    (interp, needed)
}

fn run(command: &mut Command) -> std::process::Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

#[test]
fn release_build_packs_a_static_linux_binary() {
    let target = format!("{}-unknown-linux-musl", std::env::consts::ARCH);
    let dist = tempfile::tempdir().expect("temporary folder");

    let mut build = Command::new(repo().join("scripts/release-build"));
    build
        .arg(&target)
        .args(["--profile", "dev", "--out-dir"])
        .arg(dist.path())
        .env("CARGO_TARGET_DIR", build_dir())
        .env_remove("DIST_DIR");
    // A cold dev build of every dependency for musl takes minutes.
    let out = common::output_within(build, Duration::from_secs(40 * 60));
    assert!(
        out.status.success(),
        "scripts/release-build {target} failed ({}); it needs the Rust target \
         (rustup target add {target}) and musl-gcc (apt-get install musl-tools)\n\
         --- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );

    let name = format!("modelsite-{VERSION}-{target}");
    let archive = format!("{name}.tar.gz");
    let checksum = format!("{archive}.sha256");
    let mut files: Vec<String> = fs::read_dir(dist.path())
        .expect("read the output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [archive.clone(), checksum.clone()],
        "the output folder holds"
    );

    let sum = fs::read_to_string(dist.path().join(&checksum)).expect("read the checksum");
    assert!(
        sum.trim_end().ends_with(&format!("  {archive}")),
        "the checksum file names the archive: {sum}"
    );
    let check = run(Command::new("sha256sum")
        .arg("-c")
        .arg(&checksum)
        .current_dir(dist.path()));
    assert!(
        check.status.success(),
        "sha256sum -c {checksum}: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    let unpacked = tempfile::tempdir().expect("temporary folder");
    let tar = run(Command::new("tar")
        .arg("-xzf")
        .arg(dist.path().join(&archive))
        .arg("-C")
        .arg(unpacked.path()));
    assert!(
        tar.status.success(),
        "tar: {}",
        String::from_utf8_lossy(&tar.stderr)
    );
    let folder = unpacked.path().join(&name);
    assert!(
        folder.join("README.md").is_file(),
        "the archive has no README.md"
    );
    let binary = folder.join("modelsite");
    let elf = fs::read(&binary).expect("the archive holds modelsite-VERSION-TARGET/modelsite");
    let (interp, needed) = dynamic_needs(&elf);
    assert!(
        !interp,
        "the binary names a program interpreter (it is dynamically linked)"
    );
    assert_eq!(needed, 0, "the binary needs shared libraries");

    let version = run(Command::new(&binary).arg("--version"));
    let stdout = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.status.success(),
        "modelsite --version failed: {version:?}"
    );
    assert!(
        stdout.contains(&format!("modelsite {VERSION}")),
        "modelsite --version printed {stdout:?}, not the version {VERSION}"
    );
}

/// The ELF reader above tells the two kinds apart: the debug build of the
/// tests (linked against the system's C library) needs an interpreter.
#[cfg(target_env = "gnu")]
#[test]
fn the_elf_reader_sees_a_dynamic_binary() {
    let elf = fs::read(env!("CARGO_BIN_EXE_modelsite")).expect("read the test binary");
    let (interp, needed) = dynamic_needs(&elf);
    assert!(
        interp && needed > 0,
        "interpreter {interp}, {needed} libraries"
    );
}
