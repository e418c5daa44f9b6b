//! The node's configuration: `config/defaults.toml` (embedded in the binary),
//! overlaid by an optional file, overlaid by `MOOT_*` environment variables.
//!
//! Every key must exist in the defaults, so a misspelt key in a file or in the
//! environment is an error naming that key, never silently ignored.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

/// The documented defaults; every setting the node knows is in here.
pub const DEFAULTS_TOML: &str = include_str!("../../../config/defaults.toml");
/// Environment variable naming the config file (when `--config` is not given).
pub const CONFIG_FILE_ENV: &str = "MOOT_CONFIG";
/// Prefix of the environment variables that override single keys.
pub const ENV_PREFIX: &str = "MOOT_";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub delivery: DeliverySettings,
    pub metrics: MetricsSettings,
    pub log: LogSettings,
    pub instance: InstanceSettings,
    pub registration: RegistrationSettings,
    pub oauth: OAuthSettings,
    pub federation: FederationSettings,
    pub media: MediaSettings,
    pub rate_limits: RateLimitSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthSettings {
    pub password_grant: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub port: u16,
    pub hostname: String,
    pub tls: bool,
    pub workers: usize,
    pub max_body_bytes: usize,
    pub shutdown_timeout_secs: u64,
    /// Open client connections the server keeps at most (in all); more wait
    /// in the system's queue, so memory stays bounded.
    pub max_connections: usize,
    /// New connections the system queues while the server is busy; past it
    /// they are dropped, and clients only retry a second or more later.
    pub listen_backlog: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: usize,
    pub connect_timeout_secs: u64,
    pub postgres_bin_dir: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    pub retention_days: u32,
    pub concurrency: u32,
    pub per_peer_concurrency: u32,
    pub dead_after_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    pub enabled: bool,
    pub token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSettings {
    pub name: String,
    pub description: String,
    pub contact_email: String,
    pub source_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    /// Anyone may sign up and use the account at once.
    Open,
    /// Anyone may sign up; an admin approves the account before it can sign in.
    Approval,
    /// Only people holding an invitation may sign up.
    Invite,
    /// Nobody may sign up; admins create accounts.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationSettings {
    pub mode: RegistrationMode,
    pub allowed_email_domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationSettings {
    pub enabled: bool,
    pub allow_private_addresses: bool,
    pub mode: String,
    pub allowed_domains: Vec<String>,
    pub blocked_domains: Vec<String>,
    /// Activities the inbox processes at once; 0 means sixteen per
    /// database connection.
    pub inbox_concurrency: u32,
    /// Inbox requests that may wait for their turn before the rest are
    /// turned away with 503.
    pub inbox_backlog: u32,
    /// Seconds before a follow of someone elsewhere still waiting for an
    /// answer is sent again (then twice as long each time).
    pub follow_resend_secs: u32,
    /// Whether links in posts get preview cards (the node fetches the
    /// linked page).
    pub link_previews: bool,
    /// Days what peered nodes' open groups publish is kept here when no one
    /// on this node is a member of the group; 0 keeps it.
    pub peered_retention_days: u32,
    /// Most text kept of that content per peer, in MiB; past it, the oldest
    /// goes first.
    pub peered_budget_mib: u32,
}

/// Limits on client API requests (the federation inbox has its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub trusted_proxies: Vec<String>,
    pub per_token: u32,
    pub per_ip: u32,
    pub window_secs: u32,
    pub sign_in_attempts: u32,
}

/// Uploaded files: attachments now, group libraries later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSettings {
    pub max_bytes: u64,
    pub max_attachments: u32,
    pub directory: String,
}

impl Settings {
    /// Where uploaded files are kept on disk.
    pub fn media_directory(&self) -> PathBuf {
        match self.media.directory.as_str() {
            "" => self.data_dir.join("media"),
            dir => PathBuf::from(dir),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {} is not valid TOML: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("config key `{key}`{origin}: {message}")]
    Key {
        key: String,
        /// Where the bad value came from, e.g. " (from MOOT_SERVER__PORT)".
        origin: String,
        message: String,
    },
}

impl Settings {
    /// The built-in defaults alone.
    pub fn defaults() -> Settings {
        Settings::load(None, std::iter::empty()).expect("config/defaults.toml is valid")
    }

    /// Loads the defaults, then `file` (if any), then the `MOOT_*` variables
    /// found in `env`, and validates the result.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let mut merged: Table = DEFAULTS_TOML
            .parse()
            .expect("config/defaults.toml is valid TOML");
        let defaults = merged.clone();
        let mut origins = BTreeMap::new();

        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            let overlay: Table =
                text.parse()
                    .map_err(|e: toml::de::Error| ConfigError::Syntax {
                        path: path.to_owned(),
                        message: e.to_string().trim_end().to_owned(),
                    })?;
            merge_table(&mut merged, overlay, "")?;
        }

        for (var, raw) in env {
            let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if var == CONFIG_FILE_ENV {
                continue;
            }
            let key = rest.to_ascii_lowercase().replace("__", ".");
            let origin = format!(" (from {var})");
            let default = lookup(&defaults, &key).ok_or_else(|| ConfigError::Key {
                key: key.clone(),
                origin: origin.clone(),
                message: "unknown key".into(),
            })?;
            let value = value_from_env(default, &raw).map_err(|message| ConfigError::Key {
                key: key.clone(),
                origin: origin.clone(),
                message,
            })?;
            set(&mut merged, &key, value);
            origins.insert(key, origin);
        }

        let origin_of = |key: &str| origins.get(key).cloned().unwrap_or_default();
        let mut settings: Settings = serde_path_to_error::deserialize(Value::Table(merged))
            .map_err(|e| {
                let key = e.path().to_string();
                ConfigError::Key {
                    origin: origin_of(&key),
                    message: e.into_inner().to_string(),
                    key,
                }
            })?;
        settings
            .validate()
            .map_err(|(key, message)| ConfigError::Key {
                origin: origin_of(key),
                key: key.to_owned(),
                message,
            })?;
        Ok(settings)
    }

    /// Checks values that parse but make no sense, and normalises names to
    /// lower case. Returns the offending key and what is wrong with it.
    fn validate(&mut self) -> Result<(), (&'static str, String)> {
        if self.data_dir.as_os_str().is_empty() {
            return Err(("data_dir", "must not be empty".into()));
        }
        if self.server.bind.parse::<IpAddr>().is_err() {
            return Err((
                "server.bind",
                format!("`{}` is not an IP address", self.server.bind),
            ));
        }
        if self.server.port == 0 {
            return Err(("server.port", "must be between 1 and 65535".into()));
        }
        self.server.hostname = crate::identifiers::normalize_hostname(&self.server.hostname)
            .map_err(|m| ("server.hostname", m))?;
        if self.server.max_body_bytes < 1024 {
            return Err(("server.max_body_bytes", "must be at least 1024".into()));
        }
        within(
            "server.max_connections",
            self.server.max_connections,
            16,
            1_000_000,
        )?;
        within(
            "server.listen_backlog",
            self.server.listen_backlog,
            16,
            65_535,
        )?;
        if self.server.shutdown_timeout_secs > 3600 {
            return Err((
                "server.shutdown_timeout_secs",
                "must be at most 3600".into(),
            ));
        }
        if !self.database.url.is_empty() {
            match url::Url::parse(&self.database.url) {
                Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") => {}
                Ok(u) => {
                    return Err((
                        "database.url",
                        format!(
                            "scheme `{}` is not postgres:// or postgresql://",
                            u.scheme()
                        ),
                    ))
                }
                Err(e) => return Err(("database.url", format!("not a valid URL: {e}"))),
            }
        }
        if !(1..=1000).contains(&self.database.pool_size) {
            return Err(("database.pool_size", "must be between 1 and 1000".into()));
        }
        if !(1..=600).contains(&self.database.connect_timeout_secs) {
            return Err((
                "database.connect_timeout_secs",
                "must be between 1 and 600".into(),
            ));
        }
        let delivery = &self.delivery;
        within("delivery.retention_days", delivery.retention_days, 1, 365)?;
        within("delivery.concurrency", delivery.concurrency, 1, 4096)?;
        within(
            "delivery.per_peer_concurrency",
            delivery.per_peer_concurrency,
            1,
            64,
        )?;
        within(
            "delivery.dead_after_hours",
            delivery.dead_after_hours,
            1,
            24 * 365,
        )?;
        within(
            "federation.inbox_concurrency",
            self.federation.inbox_concurrency,
            0,
            4096,
        )?;
        within(
            "federation.inbox_backlog",
            self.federation.inbox_backlog,
            0,
            100_000,
        )?;
        within(
            "federation.follow_resend_secs",
            self.federation.follow_resend_secs,
            1,
            7 * 24 * 3600,
        )?;
        within("media.max_bytes", self.media.max_bytes, 1024, 1 << 34)?;
        within("media.max_attachments", self.media.max_attachments, 1, 20)?;
        within(
            "rate_limits.per_token",
            self.rate_limits.per_token,
            1,
            1_000_000,
        )?;
        within("rate_limits.per_ip", self.rate_limits.per_ip, 1, 1_000_000)?;
        within(
            "rate_limits.sign_in_attempts",
            self.rate_limits.sign_in_attempts,
            1,
            1_000_000,
        )?;
        within(
            "rate_limits.window_secs",
            self.rate_limits.window_secs,
            1,
            86_400,
        )?;
        for proxy in &self.rate_limits.trusted_proxies {
            if proxy.parse::<IpAddr>().is_err() {
                return Err((
                    "rate_limits.trusted_proxies",
                    format!("`{proxy}` is not an IP address"),
                ));
            }
        }
        if self.log.level.trim().is_empty() {
            return Err(("log.level", "must not be empty".into()));
        }
        if !self.instance.source_url.is_empty()
            && !url::Url::parse(&self.instance.source_url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        {
            return Err((
                "instance.source_url",
                format!("`{}` is not an http(s) URL", self.instance.source_url),
            ));
        }
        if !self.instance.contact_email.is_empty()
            && !crate::identifiers::is_valid_email(&self.instance.contact_email)
        {
            return Err((
                "instance.contact_email",
                format!("`{}` is not an email address", self.instance.contact_email),
            ));
        }
        if crate::domain_rules::Mode::parse(&self.federation.mode).is_none() {
            return Err((
                "federation.mode",
                format!("`{}` is not blocklist or allowlist", self.federation.mode),
            ));
        }
        for domain in &mut self.federation.allowed_domains {
            *domain = crate::domain_rules::normalize_rule_domain(domain)
                .map_err(|m| ("federation.allowed_domains", m))?;
        }
        for domain in &mut self.federation.blocked_domains {
            *domain = crate::domain_rules::normalize_rule_domain(domain)
                .map_err(|m| ("federation.blocked_domains", m))?;
        }
        for domain in &mut self.registration.allowed_email_domains {
            *domain = crate::identifiers::normalize_domain(domain)
                .map_err(|m| ("registration.allowed_email_domains", m))?;
        }
        Ok(())
    }

    /// The embedded database is used when no URL is configured.
    pub fn database_url(&self) -> Option<&str> {
        Some(self.database.url.as_str()).filter(|u| !u.is_empty())
    }

    /// `https` or `http`, the scheme of every id this node mints.
    pub fn scheme(&self) -> &'static str {
        if self.server.tls {
            "https"
        } else {
            "http"
        }
    }

    /// The root URL of this node as others see it, e.g. `https://moot.example/`.
    /// Where people find this node's source code: the configured URL, or
    /// the node's about page.
    pub fn source_url(&self) -> String {
        match self.instance.source_url.as_str() {
            "" => format!("{}about", self.public_url()),
            url => url.to_owned(),
        }
    }

    pub fn public_url(&self) -> url::Url {
        url::Url::parse(&format!("{}://{}/", self.scheme(), self.server.hostname))
            .expect("hostname was validated")
    }

    /// Whether the public hostname only makes sense on this machine.
    pub fn hostname_is_local(&self) -> bool {
        let host = self.public_url().host_str().unwrap_or_default().to_owned();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host.ends_with(".localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The effective configuration as TOML, with secrets masked.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database.url = mask_url_password(&shown.database.url);
        if !shown.metrics.token.is_empty() {
            shown.metrics.token = "********".into();
        }
        toml::to_string_pretty(&shown).expect("settings serialize to TOML")
    }
}

/// Replaces the password of a URL, if any, with asterisks.
pub fn mask_url_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("********"));
            u.to_string()
        }
        _ => raw.to_owned(),
    }
}

/// Merges `overlay` into `base`, refusing keys that `base` does not have.
fn merge_table(base: &mut Table, overlay: Table, prefix: &str) -> Result<(), ConfigError> {
    for (name, value) in overlay {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let Some(slot) = base.get_mut(&name) else {
            return Err(ConfigError::Key {
                key,
                origin: String::new(),
                message: "unknown key".into(),
            });
        };
        match (slot, value) {
            (Value::Table(inner), Value::Table(overlay)) => merge_table(inner, overlay, &key)?,
            (Value::Table(_), _) => {
                return Err(ConfigError::Key {
                    key,
                    origin: String::new(),
                    message: "is a section; expected a table of settings".into(),
                })
            }
            (slot, value) => *slot = value,
        }
    }
    Ok(())
}

fn lookup<'a>(table: &'a Table, key: &str) -> Option<&'a Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    (!value.is_table()).then_some(value)
}

fn set(table: &mut Table, key: &str, value: Value) {
    let (sections, name) = match key.rsplit_once('.') {
        Some((sections, name)) => (Some(sections), name),
        None => (None, key),
    };
    let mut target = table;
    for part in sections.into_iter().flat_map(|s| s.split('.')) {
        target = target
            .get_mut(part)
            .and_then(Value::as_table_mut)
            .expect("lookup checked the path exists");
    }
    target.insert(name.to_owned(), value);
}

/// Reads an environment value as the same type as the key's default, so that
/// `MOOT_SERVER__HOSTNAME=123` stays a string and `MOOT_SERVER__PORT=abc` fails.
fn value_from_env(default: &Value, raw: &str) -> Result<Value, String> {
    match default {
        Value::String(_) => Ok(Value::String(raw.to_owned())),
        Value::Integer(_) => raw
            .trim()
            .parse()
            .map(Value::Integer)
            .map_err(|_| format!("expected a whole number, got `{raw}`")),
        Value::Float(_) => raw
            .trim()
            .parse()
            .map(Value::Float)
            .map_err(|_| format!("expected a number, got `{raw}`")),
        Value::Boolean(_) => match raw.trim() {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!("expected true or false, got `{raw}`")),
        },
        Value::Array(_) => {
            let trimmed = raw.trim();
            if trimmed.starts_with('[') {
                let doc: Table = format!("v = {trimmed}")
                    .parse()
                    .map_err(|_| format!("`{raw}` is not a TOML array"))?;
                Ok(doc["v"].clone())
            } else {
                Ok(Value::Array(
                    trimmed
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                ))
            }
        }
        _ => Err("cannot be set from the environment".into()),
    }
}

/// `Err` naming `key` unless `lo <= value <= hi`.
fn within<T: PartialOrd + Copy + std::fmt::Display>(
    key: &'static str,
    value: T,
    lo: T,
    hi: T,
) -> Result<(), (&'static str, String)> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err((key, format!("must be between {lo} and {hi}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn load_str(toml: &str, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let file = tempfile_with(toml);
        Settings::load(Some(file.path()), env(vars))
    }

    struct TempFile(PathBuf);
    impl TempFile {
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    fn tempfile_with(text: &str) -> TempFile {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "moot-settings-{}-{}.toml",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }

    #[test]
    fn defaults_match_the_documented_values() {
        let s = Settings::defaults();
        assert_eq!(s.server.bind, "127.0.0.1");
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.server.hostname, "localhost:8080");
        assert!(!s.server.tls);
        assert_eq!(s.database_url(), None);
        assert_eq!(s.data_dir, PathBuf::from("./data"));
        assert!(!s.federation.allow_private_addresses);
        assert!(s.hostname_is_local());
    }

    #[test]
    fn every_default_key_has_a_comment() {
        let mut previous = "";
        for line in DEFAULTS_TOML.lines() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') && !line.starts_with('[') {
                assert!(previous.starts_with('#'), "undocumented setting: {line}");
            }
            previous = line;
        }
    }

    #[test]
    fn environment_overrides_single_keys_by_type() {
        let s = Settings::load(
            None,
            env(&[
                ("MOOT_SERVER__PORT", "8081"),
                ("MOOT_DATA_DIR", "/srv/moot"),
                ("MOOT_SERVER__HOSTNAME", "Moot.Example.org"),
                (
                    "MOOT_REGISTRATION__ALLOWED_EMAIL_DOMAINS",
                    "a.gov.uk, b.gov.uk",
                ),
                ("MOOT_FEDERATION__ENABLED", "false"),
                ("MOOT_CONFIG", "/ignored/here"),
                ("PATH", "/usr/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(s.server.port, 8081);
        assert_eq!(s.data_dir, PathBuf::from("/srv/moot"));
        assert_eq!(s.server.hostname, "moot.example.org");
        assert_eq!(
            s.registration.allowed_email_domains,
            ["a.gov.uk", "b.gov.uk"]
        );
        assert!(!s.federation.enabled);
        assert!(!s.hostname_is_local());
    }

    #[test]
    fn file_then_environment() {
        let s = load_str(
            "[server]\nport = 9000\nhostname = \"a.example\"\n",
            &[("MOOT_SERVER__PORT", "9001")],
        )
        .unwrap();
        assert_eq!(s.server.port, 9001);
        assert_eq!(s.server.hostname, "a.example");
        assert_eq!(s.server.bind, "127.0.0.1", "untouched keys keep defaults");
    }

    #[test]
    fn unknown_key_in_file_is_named() {
        let err = load_str("[server]\nprot = 1\n", &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`server.prot`") && err.contains("unknown"),
            "{err}"
        );
        let err = load_str("colour = \"red\"\n", &[]).unwrap_err().to_string();
        assert!(err.contains("`colour`"), "{err}");
    }

    #[test]
    fn unknown_environment_key_is_named() {
        let err = Settings::load(None, env(&[("MOOT_SERVER__PROT", "1")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("server.prot") && err.contains("MOOT_SERVER__PROT"),
            "{err}"
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = load_str("[server]\nport = \"abc\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`server.port`"), "{err}");
        let err = Settings::load(None, env(&[("MOOT_SERVER__PORT", "abc")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`server.port`") && err.contains("abc"),
            "{err}"
        );
        let err = load_str("[server]\nport = 70000\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`server.port`"), "{err}");
        let err = load_str("[registration]\nmode = \"sometimes\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`registration.mode`"), "{err}");
        let err = load_str("[server]\nbind = \"everywhere\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`server.bind`"), "{err}");
        let err = load_str("[server]\nhostname = \"a b/c\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`server.hostname`"), "{err}");
        let err = load_str("[database]\nurl = \"mysql://x/y\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`database.url`"), "{err}");
        let err = load_str("server = 3\n", &[]).unwrap_err().to_string();
        assert!(err.contains("`server`"), "{err}");
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let err = load_str("[server\n", &[]).unwrap_err().to_string();
        assert!(err.contains("not valid TOML"), "{err}");
    }

    #[test]
    fn masked_output_hides_the_database_password() {
        let s = load_str(
            "[database]\nurl = \"postgres://moot:hunter2@db.example/moot\"\n",
            &[],
        )
        .unwrap();
        let shown = s.to_masked_toml();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("postgres://moot:********@db.example/moot"),
            "{shown}"
        );
    }
}
