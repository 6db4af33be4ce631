//! The machine a run measured: CPU, cores, memory, the disk under the store benchmark's
//! directory, kernel, compiler, commit. Read from /proc and /sys; a fact that cannot be read
//! says so instead of guessing.

use std::path::Path;
use std::process::Command;

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn command(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn cpu() -> String {
    read("/proc/cpuinfo")
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| format!("unknown ({})", std::env::consts::ARCH))
}

fn memory() -> String {
    read("/proc/meminfo")
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kib / (1024.0 * 1024.0)))
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The mount holding `dir` (longest matching mount point), its file system and device, and
/// whether the kernel calls the device rotational.
fn disk(dir: &Path) -> String {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let Some(mounts) = read("/proc/mounts") else {
        return "unknown (no /proc/mounts)".into();
    };
    let best = mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 3 && dir.starts_with(f[1])).then(|| (f[0], f[1], f[2]))
        })
        .max_by_key(|(_, mp, _)| mp.len());
    let Some((dev, mp, fs)) = best else {
        return "unknown (no mount found)".into();
    };
    let name = dev.rsplit('/').next().unwrap_or(dev);
    // A partition's queue lives under its parent device: vda1 -> vda, nvme0n1p1 -> nvme0n1.
    let base = if name.starts_with("nvme") {
        name.rsplit_once('p')
            .filter(|(_, n)| n.chars().all(|c| c.is_ascii_digit()))
            .map_or(name, |(b, _)| b)
    } else {
        name.trim_end_matches(|c: char| c.is_ascii_digit())
    };
    let rot = read(&format!("/sys/block/{base}/queue/rotational")).map(|r| r.trim() == "1");
    let kind = match rot {
        Some(true) => ", rotational",
        Some(false) => ", non-rotational",
        None => "",
    };
    format!("{fs} on {dev} (mounted at {mp}{kind})")
}

/// Markdown lines describing this machine; `dir` is where the store benchmark writes.
pub fn describe(dir: &Path) -> Vec<String> {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    vec![
        format!("- CPU: {}, {cores} cores available", cpu()),
        format!("- memory: {}", memory()),
        format!("- disk (store benchmark directory): {}", disk(dir)),
        format!(
            "- kernel: {}",
            read("/proc/sys/kernel/osrelease").map_or("unknown".into(), |s| s.trim().to_string())
        ),
        format!(
            "- compiler: {}",
            command("rustc", &["-V"]).unwrap_or_else(|| "unknown".into())
        ),
        format!(
            "- commit: {}",
            command("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into())
        ),
    ]
}
