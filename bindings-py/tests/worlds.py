"""A small world for table-driven tests: one municipality with default rules (plus a 4-hour maximum),
one with a 2-hour monthly cap, two facilities and children in every situation the rules care about."""

from __future__ import annotations

from typing import Any, Dict

import tsuen

WEEK = {d: ["07:00", "19:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def setup() -> Dict[str, Any]:
    approved = [{"facility": "daredemo", "interview_date": "2025-12-01"},
                {"facility": "flexonly", "interview_date": "2025-12-01"}]
    cert = ["2025-04-01", "2026-03-31"]

    def child(cid: str, birth: str, **extra: Any) -> Dict[str, Any]:
        spec: Dict[str, Any] = {"id": cid, "name": cid, "parent": "p1", "birth_date": birth,
                                "municipality": "131016", "certified": cert, "approvals": approved}
        spec.update(extra)
        return spec

    return {
        "today": "2026-01-13T09:00",  # a Tuesday
        "municipalities": [  # 131016: default rules but a 4-hour maximum and 3-week series
            {"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": True,
             "rules": {"max_booking_minutes": 240, "max_regular_weeks": 3}},
            {"code": "131024", "name": "中央区", "prefecture": "東京都", "online": True,
             "rules": {"monthly_cap_minutes": 120}},
        ],
        "facilities": [
            {"id": "daredemo", "name": "誰でもこども園", "municipality": "131016", "hours": WEEK,
             "closed": ["2026-01-27"], "closed_on_holidays": True,
             "capacity": [{"days": list(WEEK), "from": "07:00", "to": "19:00", "regular": 1, "flexible": 2}],
             "age_limits": {"flexible": {"0": 1}},
             "interview_slots": [{"date": "2026-01-21", "from": "09:00", "to": "10:00", "places": 1}]},
            {"id": "flexonly", "name": "柔軟園", "municipality": "131016", "kinds": ["flexible"],
             "hours": {d: ["08:00", "18:00"] for d in WEEK}, "auto_confirm": True,
             "capacity": [{"days": list(WEEK), "from": "08:00", "to": "18:00", "flexible": 3}]},
        ],
        "children": [
            child("jiro", "2024-05-01"),
            child("hanako", "2024-09-15", fee_class="welfare"),
            child("baby", "2025-10-01"),  # 6 months reached on 2026-03-31
            child("nocert", "2024-06-01", certified=None),
            child("newbie", "2024-07-01", approvals=[]),
            child("capped", "2024-08-01", municipality="131024"),
            child("infant", "2025-06-01"),  # age class 0
            child("infant2", "2025-05-01"),  # age class 0
        ],
    }


def world() -> tsuen.World:
    return tsuen.World.from_setup(setup())
