//! A plain HTTP stand-in for a browser on the web app, for tests of what
//! the server does (cookies, CSRF, redirects) rather than of what a person
//! sees: it keeps cookies, follows no redirects, and reads forms' tokens.

use std::collections::BTreeMap;

/// One browser's cookies and the last page's CSRF token.
pub struct WebClient {
    pub base: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

/// An answer: status, where it redirects, the Set-Cookie lines and body.
pub struct WebAnswer {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl WebAnswer {
    /// The CSRF token of the page's first form.
    pub fn csrf_token(&self) -> Option<String> {
        let at = self.body.find("name=\"csrf_token\" value=\"")?;
        let rest = &self.body[at + "name=\"csrf_token\" value=\"".len()..];
        Some(rest[..rest.find('"')?].to_owned())
    }

    /// The Set-Cookie line for `name`.
    pub fn cookie_line(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(|c| c.as_str())
    }
}

impl WebClient {
    pub fn new(base: &str) -> WebClient {
        WebClient {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> WebAnswer {
        let response = request
            .header("accept", "text/html")
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("web request");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for line in &set_cookies {
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = line.to_ascii_lowercase().contains("max-age=0");
            if expired || value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.text().await.unwrap_or_default();
        WebAnswer {
            status,
            location,
            set_cookies,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> WebAnswer {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> WebAnswer {
        let request = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(request).await
    }

    /// Posts a multipart form (a file upload) as it is.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> WebAnswer {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(form);
        self.send(request).await
    }

    /// Sends a file with `fields` through the upload form at `page`, its
    /// CSRF token first as a browser sends it.
    pub async fn upload(
        &mut self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
        file: (&str, &'static [u8]),
    ) -> WebAnswer {
        let token = self
            .get(page)
            .await
            .csrf_token()
            .unwrap_or_else(|| panic!("no form on {page}"));
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        let part = reqwest::multipart::Part::bytes(file.1)
            .file_name(file.0.to_owned())
            .mime_str("application/pdf")
            .unwrap();
        form = form.part("file", part);
        self.post_multipart(action, form).await
    }

    /// Posts `form` with the CSRF token of the page at `page`.
    pub async fn submit(&mut self, page: &str, action: &str, form: &[(&str, &str)]) -> WebAnswer {
        let token = self
            .get(page)
            .await
            .csrf_token()
            .unwrap_or_else(|| panic!("no form on {page}"));
        let mut fields = vec![("csrf_token", token.as_str())];
        fields.extend_from_slice(form);
        self.post(action, &fields).await
    }

    /// Signs in through the form; returns the answer to the form's post.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> WebAnswer {
        self.submit(
            "/login",
            "/login",
            &[("login", login), ("password", password)],
        )
        .await
    }
}
