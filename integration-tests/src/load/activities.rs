//! A swarm of remote actors on one local port, and the signed activities
//! they send. Signing is done before a run starts (RSA signing costs far
//! more than verifying, and the generator shares the machine with the node
//! under test), on every core; signatures stay valid for an hour.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::{json, Value};
use url::Url;

use crate::FakePeer;

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Follow,
    Create,
    Like,
    Announce,
    Update,
    Delete,
}

impl Kind {
    fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            "create" => Kind::Create,
            "like" => Kind::Like,
            "announce" => Kind::Announce,
            "update" => Kind::Update,
            "delete" => Kind::Delete,
            _ => return None,
        })
    }
}

/// How often each kind is sent, e.g. `create=70,like=20,delete=10`.
#[derive(Debug, Clone)]
pub struct Mix(Vec<(Kind, u32)>);

impl std::str::FromStr for Mix {
    type Err = String;

    fn from_str(text: &str) -> Result<Mix, String> {
        let mut parts = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, weight) = part.split_once('=').unwrap_or((part, "1"));
            let kind = Kind::parse(name.trim()).ok_or_else(|| {
                format!("unknown activity `{name}` (create, like, announce, update, delete)")
            })?;
            let weight = weight
                .trim()
                .parse()
                .map_err(|_| format!("`{part}`: the weight must be a whole number"))?;
            parts.push((kind, weight));
        }
        if parts.iter().all(|(_, w)| *w == 0) {
            return Err("the mix sends nothing".into());
        }
        Ok(Mix(parts))
    }
}

impl Mix {
    pub fn creates_only() -> Mix {
        Mix(vec![(Kind::Create, 1)])
    }

    /// The kind of the `n`th activity: the weights spread evenly.
    fn kind_at(&self, n: u64) -> Kind {
        let total: u64 = self.0.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut slot = (n.wrapping_mul(2_654_435_761)) % total;
        for (kind, weight) in &self.0 {
            if slot < u64::from(*weight) {
                return *kind;
            }
            slot -= u64::from(*weight);
        }
        Kind::Create
    }

    /// How many of `count` activities are of `kind`.
    pub fn count_of(&self, kind: Kind, count: u64) -> u64 {
        (0..count).filter(|n| self.kind_at(*n) == kind).count() as u64
    }

    /// Whether the mix acts on posts that must exist first.
    pub fn needs_seeds(&self) -> bool {
        self.0.iter().any(|(k, w)| *k != Kind::Create && *w > 0)
    }
}

/// One request ready to send: a body and the headers that sign it.
#[derive(Clone)]
pub struct Prepared {
    pub kind: Kind,
    pub body: Bytes,
    pub headers: Vec<(&'static str, String)>,
}

/// Remote actors `load0 .. loadN` hosted by one local peer server.
pub struct Swarm {
    pub peer: FakePeer,
    pub names: Vec<String>,
    /// Sets this run's ids apart from an earlier run's against the same node.
    run: String,
    /// Numbers ids.
    next: AtomicU64,
    /// Picks the actor and the kind of each activity in turn.
    turn: AtomicU64,
    /// Posts made by the seeding step, per actor, for likes, boosts, edits
    /// and deletions to act on.
    seeds: HashMap<usize, Vec<String>>,
    /// How many of each actor's seeds have been deleted.
    deleted: Mutex<Vec<usize>>,
    /// The group new posts are made in, if any.
    group: Mutex<Option<String>>,
}

impl Swarm {
    pub async fn start(actors: usize) -> Swarm {
        let peer = FakePeer::start().await;
        let names: Vec<String> = (0..actors).map(|i| format!("load{i}")).collect();
        std::thread::scope(|s| {
            for name in &names {
                let peer = &peer;
                s.spawn(move || peer.add_actor(name));
            }
        });
        Swarm {
            peer,
            names,
            run: format!("{:x}", rand_tag()),
            next: AtomicU64::new(0),
            turn: AtomicU64::new(0),
            seeds: HashMap::new(),
            deleted: Mutex::new(vec![0; actors]),
            group: Mutex::new(None),
        }
    }

    pub fn actor(&self, index: usize) -> String {
        self.peer.actor(&self.names[index])
    }

    /// `Follow`s of `target` by every actor.
    pub fn follows(&self, target: &str) -> Vec<(usize, Value)> {
        (0..self.names.len())
            .map(|i| {
                let actor = self.actor(i);
                let n = self.next.fetch_add(1, Ordering::Relaxed);
                let id = format!("{actor}/follows/{}-{n}", self.run);
                (
                    i,
                    json!({
                        "@context": "https://www.w3.org/ns/activitystreams",
                        "id": id, "type": "Follow", "actor": actor, "object": target,
                    }),
                )
            })
            .collect()
    }

    /// `per_actor` posts by every actor, remembered as seeds.
    pub fn seed_posts(&mut self, per_actor: usize) -> Vec<(usize, Value)> {
        let mut plan = Vec::new();
        for i in 0..self.names.len() {
            for _ in 0..per_actor {
                let (note_id, create) = self.create(i, "A post others will act on.");
                self.seeds.entry(i).or_default().push(note_id);
                plan.push((i, create));
            }
        }
        plan
    }

    pub fn seed_count(&self) -> u64 {
        self.seeds.values().map(|s| s.len() as u64).sum()
    }

    /// `count` activities by the actors in turn, kinds as `mix` says.
    pub fn activities(&self, mix: &Mix, count: u64) -> Vec<(usize, Kind, Value)> {
        (0..count)
            .map(|_| {
                let turn = self.turn.fetch_add(1, Ordering::Relaxed);
                let i = (turn % self.names.len() as u64) as usize;
                let n = self.next.fetch_add(1, Ordering::Relaxed);
                let kind = match mix.kind_at(turn) {
                    Kind::Create => Kind::Create,
                    _ if self.seeds.is_empty() => Kind::Create,
                    other => other,
                };
                match kind {
                    Kind::Delete => match self.next_to_delete(i) {
                        Some(note_id) => (i, kind, self.delete(i, n, &note_id)),
                        None => (i, Kind::Update, self.activity(i, Kind::Update, n)),
                    },
                    _ => (i, kind, self.activity(i, kind, n)),
                }
            })
            .collect()
    }

    fn activity(&self, i: usize, kind: Kind, n: u64) -> Value {
        let actor = self.actor(i);
        let id = format!("{actor}/activities/{}-{n}", self.run);
        match kind {
            Kind::Create => self.create(i, "A note sent by the load generator.").1,
            Kind::Like | Kind::Announce => {
                // Someone else's post, so a like is not of one's own.
                let other = (i + 1) % self.names.len();
                let seeds = &self.seeds[&other];
                let object = &seeds[n as usize % seeds.len()];
                let mut activity = json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": id, "type": format!("{kind:?}"), "actor": actor, "object": object,
                });
                if kind == Kind::Announce {
                    activity["to"] = json!([PUBLIC]);
                    activity["cc"] = json!([format!("{actor}/followers")]);
                    activity["published"] = json!(now());
                }
                activity
            }
            Kind::Update => {
                let own_seeds = &self.seeds[&i];
                let note_id = &own_seeds[n as usize % own_seeds.len()];
                let mut note = self.note(i, note_id, &format!("Edited ({n})."));
                note["updated"] = json!(now());
                json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": id, "type": "Update", "actor": actor, "object": note,
                    "to": [PUBLIC],
                })
            }
            Kind::Follow | Kind::Delete => unreachable!("made by `follows` and `delete`"),
        }
    }

    /// The actor's next seed not yet deleted: each is deleted once at most,
    /// so every accepted `Delete` removes one stored post.
    fn next_to_delete(&self, i: usize) -> Option<String> {
        let mut deleted = self.deleted.lock().unwrap();
        let note_id = self.seeds[&i].get(deleted[i])?.clone();
        deleted[i] += 1;
        Some(note_id)
    }

    fn delete(&self, i: usize, n: u64, note_id: &str) -> Value {
        let actor = self.actor(i);
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{actor}/activities/{}-{n}", self.run),
            "type": "Delete", "actor": actor,
            "object": { "id": note_id, "type": "Tombstone" },
            "to": [PUBLIC],
        })
    }

    fn create(&self, i: usize, text: &str) -> (String, Value) {
        let actor = self.actor(i);
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let note_id = format!("{actor}/notes/{}-{n}", self.run);
        let note = self.note(i, &note_id, text);
        let create = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{note_id}/activity"),
            "type": "Create",
            "actor": actor,
            "published": note["published"],
            "to": note["to"], "cc": note["cc"],
            "object": note,
        });
        (note_id, create)
    }

    /// Posts signed from now on are made in `group` (an actor's id), or
    /// in no group.
    pub fn post_into(&self, group: Option<&str>) {
        *self.group.lock().unwrap() = group.map(String::from);
    }

    fn note(&self, i: usize, id: &str, text: &str) -> Value {
        let actor = self.actor(i);
        if let Some(group) = self.group.lock().unwrap().as_deref() {
            // As a member's app sends a post into a group (Lemmy's shape).
            return json!({
                "id": id,
                "type": "Note",
                "attributedTo": actor,
                "content": format!("<p>{text} It asks the group what others learned about \
                    commissioning, housing repairs and data sharing, at the length \
                    of an ordinary post.</p>"),
                "published": now(),
                "audience": group,
                "to": [group, PUBLIC],
                "cc": [format!("{actor}/followers")],
            });
        }
        json!({
            "id": id,
            "type": "Note",
            "attributedTo": actor,
            "content": format!("<p>{text} It says what a council learned about \
                commissioning, housing repairs and data sharing, at the length \
                of an ordinary post.</p>"),
            "published": now(),
            "to": [PUBLIC],
            "cc": [format!("{actor}/followers")],
        })
    }

    /// Every actor is followed by `token`'s owner on the node whose
    /// Mastodon API is `api`: a node keeps public posts only from people
    /// someone there follows.
    pub async fn followed_by(&self, http: &reqwest::Client, api: &Url, token: &str) {
        let base = api.as_str().trim_end_matches('/');
        for i in 0..self.names.len() {
            crate::social::follow_by_uri(http, base, token, &self.actor(i)).await;
        }
    }

    /// How many posts of the actors `api` (a Mastodon API) says it has: the
    /// sum of their `statuses_count`.
    pub async fn stored(&self, http: &reqwest::Client, api: &Url) -> Option<u64> {
        let host = self.peer.host();
        let mut total = 0;
        for name in &self.names {
            let url = api
                .join(&format!("/api/v1/accounts/lookup?acct={name}@{host}"))
                .ok()?;
            let response = http.get(url).send().await.ok()?;
            if response.status() == 404 {
                continue;
            }
            let account: Value = response.json().await.ok()?;
            total += account["statuses_count"].as_u64()?;
        }
        Some(total)
    }

    /// `count` posts that must all be refused: every `unsigned_every`th
    /// carries no signature, the others the signature of another request.
    pub fn forged(&self, inbox: &Url, count: u64, unsigned_every: usize) -> Vec<Prepared> {
        let signed = self.sign(inbox, self.activities(&Mix::creates_only(), count + 1));
        let signature_of = |p: &Prepared| {
            p.headers
                .iter()
                .find(|(name, _)| *name == "signature")
                .map(|(_, value)| value.clone())
                .expect("signed")
        };
        signed
            .windows(2)
            .enumerate()
            .map(|(n, pair)| {
                let mut bad = pair[0].clone();
                let other = signature_of(&pair[1]);
                bad.headers.retain(|(name, _)| *name != "signature");
                if n % unsigned_every.max(1) != 0 {
                    bad.headers.push(("signature", other));
                }
                bad
            })
            .collect()
    }

    /// Signs every activity with its actor's key, on every core.
    pub fn sign(&self, inbox: &Url, plan: Vec<(usize, Kind, Value)>) -> Vec<Prepared> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let chunk = plan.len().div_ceil(threads).max(1);
        let inbox = inbox.as_str();
        std::thread::scope(|s| {
            let handles: Vec<_> = plan
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|(i, kind, activity)| {
                                let body = Bytes::from(activity.to_string());
                                let name = &self.names[*i];
                                let key_id = format!("{}#main-key", self.peer.actor(name));
                                let headers =
                                    self.peer.signature_headers(name, &key_id, inbox, &body);
                                Prepared {
                                    kind: *kind,
                                    body,
                                    headers,
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        })
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn rand_tag() -> u64 {
    let mut bytes = [0u8; 8];
    openssl::rand::rand_bytes(&mut bytes).expect("random bytes");
    u64::from_le_bytes(bytes)
}
