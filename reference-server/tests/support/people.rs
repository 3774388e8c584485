//! The people of the day-of-use and municipal tests: the fixture with siblings and a child of
//! another municipality, everyone logged in, and a clock that moves.

use serde_json::{Value, json};

use super::{Client, Resp, Server, fixture};

/// Everyone the tests log in as; sessions last 12 hours on the server's clock, so moving the clock
/// logs everyone in again.
pub struct People {
    pub server: Server,
    pub p0: Client,
    pub p1: Client,
    pub staff: Client,
    pub other_staff: Client,
    pub city: Client,
    pub minato: Client,
}

const WHO: &[(&str, &str)] = &[
    ("parent0@t.jp", "parent-password-1"),
    ("parent1@t.jp", "parent-password-1"),
    ("staff@t.jp", "staff-password-1"),
    ("other-staff@t.jp", "staff-password-1"),
    ("city@t.jp", "city-password-1"),
    ("minato@t.jp", "city-password-1"),
];

impl People {
    /// The fixture (k0 of parent0, k1 of parent1 at 千代田区; 3 flexible places) plus k0's sibling
    /// `k0b` and `m0`, a child of parent1 certified by 港区, both approved at both facilities.
    pub fn start(name: &str) -> People {
        People::start_with(name, |_| {})
    }

    /// The same, with the seed changed first.
    pub fn start_with(name: &str, edit: impl FnOnce(&mut Value)) -> People {
        let server = Server::start(name, "2026-01-13T09:00", &[]);
        let mut seed = fixture(2, 3);
        let approvals = json!([{"facility": "daredemo", "interview_date": "2025-12-01"}, {"facility": "other", "interview_date": "2025-12-01"}]);
        for (id, parent, muni) in [("k0b", "p5", "131016"), ("m0", "p6", "131032")] {
            seed["ops"].as_array_mut().unwrap().push(json!({"child": {"id": id, "parent": parent, "name": format!("こども{id}"),
                "birth_date": "2024-05-01", "municipality": muni, "certified": ["2025-04-01", "2026-12-31"], "approvals": approvals}}));
        }
        edit(&mut seed);
        server.seed(seed);
        let c = server.client();
        let mut p = People {
            p0: c.clone(),
            p1: c.clone(),
            staff: c.clone(),
            other_staff: c.clone(),
            city: c.clone(),
            minato: c,
            server,
        };
        p.relogin();
        p
    }

    pub fn relogin(&mut self) {
        let all =
            [&mut self.p0, &mut self.p1, &mut self.staff, &mut self.other_staff, &mut self.city, &mut self.minato];
        for (c, (email, pw)) in all.into_iter().zip(WHO) {
            assert_eq!(c.login(email, pw).status, 200, "{email}");
        }
    }

    /// Stops the server (SIGTERM) and starts it again on the same data at `now`; everyone logs in again.
    pub fn restart(&mut self, now: &str) {
        assert!(self.server.stop().success());
        self.server = Server::start_in(self.server.data.clone(), now, &[], &[]);
        let c = self.server.client();
        for x in [&mut self.p0, &mut self.p1, &mut self.staff, &mut self.other_staff, &mut self.city, &mut self.minato]
        {
            *x = c.clone();
        }
        self.relogin();
    }

    pub fn at(&mut self, now: &str) {
        let r = self.server.client().post("/api/test/now", &json!({"now": now}));
        assert_eq!(r.status, 200, "{}", r.text);
        self.relogin();
    }
}

pub fn book(c: &Client, child: &str, facility: &str, date: &str, from: &str, to: &str) -> i64 {
    let r = c.post(
        "/api/bookings",
        &json!({"child": child, "facility": facility, "kind": "flexible", "date": date, "from": from, "to": to}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["number"].as_i64().unwrap()
}

pub fn confirm(staff: &Client, n: i64) {
    let r = staff.post(&format!("/api/facility/bookings/{n}/confirm"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
}

pub fn status(parent: &Client, n: i64) -> String {
    parent.get(&format!("/api/bookings/{n}")).body["status"].as_str().unwrap().to_owned()
}

/// Asserts a refusal: its status and error.
pub fn refused(r: &Resp, status: u16, error: &str) {
    assert_eq!((r.status, r.body["error"].as_str()), (status, Some(error)), "{}", r.text);
}
