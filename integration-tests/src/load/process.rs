//! What a process under test has used, read from `/proc`.

/// CPU seconds (user + system) process `pid` has used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces), from `state`:
    // utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    // /proc counts in USER_HZ, 100 a second on Linux whatever the kernel's tick.
    ticks / 100.0
}

/// CPU seconds used so far by each running process named `name`, by pid.
pub fn cpu_by_name(name: &str) -> std::collections::HashMap<u32, f64> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Default::default();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .map(|pid| (pid, cpu_seconds(pid)))
        .collect()
}

/// CPU seconds the processes named `name` used since `before` (from
/// [`cpu_by_name`]): those started since count whole; those that ended
/// since are not counted (a database's pooled connections live on).
pub fn cpu_used_since(name: &str, before: &std::collections::HashMap<u32, f64>) -> f64 {
    cpu_by_name(name)
        .into_iter()
        .map(|(pid, now)| now - before.get(&pid).copied().unwrap_or(0.0))
        .sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_used_cpu_time_that_grows() {
        let me = std::process::id();
        let before = super::cpu_seconds(me);
        let mut x = 0u64;
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_millis(200) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let used = super::cpu_seconds(me) - before;
        assert!(used > 0.1, "{used} s for 0.2 s of spinning");
    }

    #[test]
    fn processes_are_found_by_name() {
        let me = std::process::id();
        let name = std::fs::read_to_string(format!("/proc/{me}/comm")).unwrap();
        let found = super::cpu_by_name(name.trim());
        assert!(found.contains_key(&me), "{found:?}");
        assert!(super::cpu_by_name("no-such-process-name").is_empty());
    }
}
