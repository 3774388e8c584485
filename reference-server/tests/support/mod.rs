//! Test support: start `tsuen serve` on a free port with its own data directory and a fixed clock,
//! and talk to it over real HTTP/1.1 with a small client (cookies and CSRF header kept per client).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub mod openapi;
pub mod people;

pub struct Server {
    pub addr: String,
    pub data: PathBuf,
    child: Option<Child>,
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub fn temp_dir(name: &str) -> PathBuf {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("tsuen-test-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Server {
    /// A test server: fixed clock at `now`, test endpoints, cheap hashing, no login limits.
    pub fn start(name: &str, now: &str, extra: &[&str]) -> Server {
        Server::start_in(temp_dir(name), now, extra, &[])
    }

    pub fn start_in(data: PathBuf, now: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tsuen"));
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--data", data.to_str().unwrap(), "--now", now])
            .args(["--test-endpoints", "--fast-hash", "--no-rate-limit"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("tsuen serve starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(a) = line.strip_prefix("tsuen: listening on http://") {
                    let _ = tx.send(a.to_owned());
                }
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(60)).expect("the server prints its address");
        let server = Server { addr, data, child: Some(child) };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.client().get("/healthz").status != 200 {
            assert!(Instant::now() < deadline, "no /healthz");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// A server started by the caller.
    pub fn adopt(addr: String, data: PathBuf, child: Child) -> Server {
        Server { addr, data, child: Some(child) }
    }

    pub fn client(&self) -> Client {
        Client { addr: self.addr.clone(), cookie: None, csrf: None, source: None }
    }

    /// SIGTERM, and the exit status.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        unsafe_kill(child.id(), "TERM");
        child.wait().unwrap()
    }

    /// SIGKILL: no shutdown at all.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    pub fn seed(&self, seed: Value) {
        let r = self.client().post("/api/test/seed", &seed);
        assert_eq!(r.status, 200, "seed: {}", r.body);
    }
}

fn unsafe_kill(pid: u32, sig: &str) {
    Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]).status().unwrap();
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone)]
pub struct Client {
    pub addr: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    /// The local address to connect from (another loopback address plays another client).
    pub source: Option<std::net::IpAddr>,
}

impl Client {
    /// A request; its response is checked against the server's OpenAPI document.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Resp {
        let r = self.request_unchecked(method, path, content_type, body, extra);
        openapi::check(&self.addr, method, path, body, &r);
        r
    }

    /// A request whose response is not checked.
    pub fn request_unchecked(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut s = self.connect();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(ct) = content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        if let Some(c) = &self.cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        if let Some(t) = &self.csrf {
            head.push_str(&format!("X-CSRF-Token: {t}\r\n"));
        }
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        parse_response(&raw)
    }

    fn connect(&self) -> TcpStream {
        let Some(ip) = self.source else { return TcpStream::connect(&self.addr).expect("connect") };
        let to: std::net::SocketAddr = self.addr.parse().expect("an ip:port address");
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        s.bind(&std::net::SocketAddr::new(ip, 0).into()).expect("bind the source address");
        s.connect(&to.into()).expect("connect");
        s.into()
    }

    /// The same client connecting from another local address.
    pub fn at_address(mut self, ip: &str) -> Client {
        self.source = Some(ip.parse().unwrap());
        self
    }

    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, None, b"", &[])
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.request("POST", path, Some("application/json"), body.to_string().as_bytes(), &[])
    }

    /// Logs in; keeps the session cookie and the CSRF token.
    pub fn login(&mut self, email: &str, password: &str) -> Resp {
        let r = self.post("/api/login", &json!({"email": email, "password": password}));
        if r.status == 200 {
            let set = r.header("set-cookie").expect("a session cookie");
            self.cookie = Some(set.split(';').next().unwrap().to_owned());
            self.csrf = r.body["csrf"].as_str().map(str::to_owned);
        }
        r
    }
}

fn parse_response(raw: &[u8]) -> Resp {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))).collect();
    if headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        body = dechunk(&body);
    }
    let text = String::from_utf8_lossy(&body).to_string();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp { status, headers, text, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
    out
}

/// A small world for tests: 千代田区 (online), one facility with `places` flexible places, and
/// accounts: parent@t (children k1..kN), staff@t (the facility), city@t (千代田区).
pub fn fixture(children: usize, places: u32) -> Value {
    let mut ops = vec![
        json!({"municipality": {"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true}}),
        json!({"municipality": {"code": "131032", "name": "港区", "prefecture": "東京都", "online": true}}),
        json!({"facility": {"id": "daredemo", "name": "誰でもこども園", "municipality": "131016",
            "hours": {"mon": ["07:00", "19:00"], "tue": ["07:00", "19:00"], "wed": ["07:00", "19:00"], "thu": ["07:00", "19:00"], "fri": ["07:00", "19:00"]},
            "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "19:00", "regular": 2, "flexible": places}],
            "interview_slots": [{"date": "2026-01-21", "from": "09:00", "to": "10:00", "places": 2}]}}),
        json!({"facility": {"id": "other", "name": "ほかの園", "municipality": "131032",
            "hours": {"mon": ["07:00", "19:00"], "tue": ["07:00", "19:00"], "wed": ["07:00", "19:00"], "thu": ["07:00", "19:00"], "fri": ["07:00", "19:00"]},
            "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "19:00", "flexible": 3}]}}),
    ];
    let mut accounts = vec![
        json!({"email": "staff@t.jp", "password": "staff-password-1", "role": "facility", "name": "スタッフ", "facility": "daredemo", "municipality": "131016"}),
        json!({"email": "other-staff@t.jp", "password": "staff-password-1", "role": "facility", "name": "他園スタッフ", "facility": "other", "municipality": "131032"}),
        json!({"email": "city@t.jp", "password": "city-password-1", "role": "municipality", "name": "区職員", "municipality": "131016"}),
        json!({"email": "minato@t.jp", "password": "city-password-1", "role": "municipality", "name": "港区職員", "municipality": "131032"}),
    ];
    // Parents get account ids after the four above: parent k (0-based) is p{5 + k}.
    for k in 0..children {
        accounts.push(json!({"email": format!("parent{k}@t.jp"), "password": "parent-password-1", "role": "parent", "name": format!("保護者{k}"), "municipality": "131016"}));
        ops.push(json!({"child": {"id": format!("k{k}"), "parent": format!("p{}", 5 + k), "name": format!("こども{k}"),
            "birth_date": "2024-05-01", "municipality": "131016", "certified": ["2025-04-01", "2026-12-31"],
            "approvals": [{"facility": "daredemo", "interview_date": "2025-12-01"}, {"facility": "other", "interview_date": "2025-12-01"}]}}));
    }
    json!({"ops": ops, "accounts": accounts, "participation": [["131016", "online"], ["131032", "paper"]]})
}
