"""The console's pure parts: the version diff, the form's list buttons, slugs, time in words, the throttle."""

from __future__ import annotations

import datetime as dt
import re

from app.console.diff import diff_frames, items_diff, words_diff
from app.console.forms import apply_list_op, frame_from_values, slugify, values_from_frame
from app.frames.model import Frame
from app.messages import formats as strings
from app.ops.throttle import AdminThrottle, address_key
from app.storage.people_store import clean_name, name_key
from tests.support import ROOT, good_frame


def test_diff_words_lists_and_choices():
    before = Frame.model_validate(good_frame())
    after = Frame.model_validate(good_frame(
        promise="Votre vélo réparé en 24 heures, ou le prêt d'un vélo offert.",
        priorities=["Fidéliser les cyclistes du quartier", "Réparations rapides et fiables"],
        refusals=["Pas de vente de vélos neufs", "Pas de réparation de trottinettes",
                  "Pas de location de vélos"],
        voice={"tone": "Direct, chaleureux et concret", "address": "tu"}))
    changes = {c.path: c for c in diff_frames(before, after)}
    assert list(changes) == ["promise", "priorities", "refusals", "voice.address"]
    promise = changes["promise"].segments
    assert [(s.kind, s.text) for s in promise if s.kind != "same"] == [("removed", "48"), ("added", "24")]
    assert [(i.kind, i.before, i.after) for i in changes["priorities"].items] == [("moved", 2, 1), ("moved", 1, 2)]
    refusals = [(i.kind, i.text) for i in changes["refusals"].items]
    assert refusals == [("same", "Pas de vente de vélos neufs"), ("changed", "Pas de réparation de trottinettes"),
                        ("added", "Pas de location de vélos"), ("removed", "Pas de promotions agressives")]
    assert (changes["voice.address"].before, changes["voice.address"].after) == ("vous", "tu")
    assert diff_frames(before, before) == []


def test_a_rewrite_reads_as_old_text_then_new_text():
    assert [(s.kind, s.text) for s in words_diff("Cyclistes du quotidien à Lyon", "Tout le monde")] == [
        ("removed", "Cyclistes du quotidien à Lyon"), ("added", "Tout le monde")]
    assert [(i.kind, i.text) for i in items_diff(["a", "b"], ["b"])] == [("moved", "b"), ("removed", "a")]


def test_list_buttons_without_script():
    values = values_from_frame(Frame.model_validate(good_frame()))
    moved = apply_list_op(values, "list:priorities:down:0")
    assert moved["priorities"] == good_frame()["priorities"][::-1]
    assert apply_list_op(values, "list:priorities:up:0") == values  # nothing above the first
    assert apply_list_op(values, "list:refusals:add")["refusals"][-1] == ""
    assert apply_list_op(values, "list:proof:remove:0")["proof"] == good_frame()["proof"][1:]
    assert apply_list_op(values, "list:unknown:add") == values
    assert apply_list_op(values, "list:priorities:remove:99") == values


def test_form_values_become_a_frame_or_say_which_field_is_wrong():
    values = values_from_frame(Frame.model_validate(good_frame()))
    values["refusals"] = [*values["refusals"], "  ", ""]  # empty inputs are left out
    frame, problems = frame_from_values(values)
    assert problems == {} and frame == Frame.model_validate(good_frame())
    _, problems = frame_from_values({**values, "promise": "x" * 2001, "review_by": "31/02/2026"})
    assert problems == {"promise": "form_too_long", "review_by": "form_bad_date"}
    _, problems = frame_from_values({**values, "offer": "Vélos\x00"})
    assert problems == {"offer": "form_control_chars"}


def test_slugs_from_names():
    assert slugify("Atelier Rustine") == "atelier-rustine"
    assert slugify("Œuvres & Cie — Lyon 7e") == "oeuvres-cie-lyon-7e"
    assert slugify("Atelier Rustine", taken=["atelier-rustine", "atelier-rustine-2"]) == "atelier-rustine-3"
    assert slugify("!!!") == "cadre"
    assert clean_name("  Claire\x00 \n Martin ") == "Claire Martin" and clean_name("") == ""
    assert name_key("  Clément  DUBOIS") == name_key("clement dubois")  # sign-in by name: accents, case


def test_time_in_words():
    now = dt.datetime(2026, 3, 12, 14, 5, 9, tzinfo=dt.UTC)
    assert strings.ago(now - dt.timedelta(seconds=20), now, "fr") == "à l'instant"
    assert strings.ago(now - dt.timedelta(days=2, hours=3), now, "fr") == "il y a 2 jours"
    assert strings.ago(now - dt.timedelta(hours=1), now, "en") == "1 hour ago"
    assert strings.ago(now - dt.timedelta(days=400), now, "fr") == "il y a 1 an"
    paris = strings.when(now, dt.timezone(dt.timedelta(hours=1)), "fr")
    assert paris == "12/03/2026 à 15:05:09"  # to the second
    assert strings.when(now, dt.UTC, "en") == "12 Mar 2026, 14:05:09"
    assert strings.duration(3.2, "fr") == "moins d'une seconde" and strings.duration(999, "en") == "under a second"
    assert strings.duration(1000, "fr") == "1 seconde" and strings.duration(42_500, "en") == "42 seconds"
    assert strings.duration(125_000, "fr") == "2 min 5 s"
    assert strings.count("status_draft_blocked", 3, "fr") == "brouillon\u00a0: 3 points à clarifier"  # no-break
    assert strings.count("status_draft_blocked", 1, "en") == "draft: 1 point to clarify"


def test_throttle_doubles_the_wait_after_each_failure_and_forgets_on_success():
    clock = [1000.0]
    throttle = AdminThrottle(max_delay=8, max_addresses=2, budget=1000, clock=lambda: clock[0])
    assert throttle.wait("a") == 0
    assert [throttle.failed("a") for _ in range(5)] == [1, 2, 4, 8, 8]
    assert throttle.wait("a") == 8
    clock[0] += 8
    assert throttle.wait("a") == 0
    throttle.succeeded("a")
    assert throttle.failed("a") == 1
    throttle.failed("b")
    throttle.failed("c")  # a third client: the oldest one is forgotten
    assert throttle.wait("a") == 0 and throttle.wait("c") == 1


def test_throttle_has_a_budget_for_every_address_together_and_counts_an_ipv6_network_once():
    clock = [1000.0]
    throttle = AdminThrottle(budget=3, refill_seconds=2.0, clock=lambda: clock[0])
    for host in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # three addresses, one failure each: the budget is spent
        assert throttle.wait(host) == 0
        throttle.failed(host)
    assert throttle.wait("10.0.0.4") == 2.0  # a fourth address, never seen, waits too
    clock[0] += 2.0
    assert throttle.wait("10.0.0.4") == 0
    assert address_key("2001:db8::1") == address_key("2001:db8::ffff:1") == "2001:db8::/64"
    assert address_key("::ffff:10.0.0.1") == "10.0.0.1" and address_key(None) == "unknown"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_meet_wcag_aa_contrast():
    css = (ROOT / "app" / "console" / "static" / "cadre.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
    colours["white"] = "#ffffff"
    text_pairs = [("text", "bg"), ("text", "surface"), ("muted", "surface"), ("muted", "bg"), ("primary", "surface"),
                  ("primary", "bg"), ("white", "primary"), ("white", "primary-dark"), ("ok", "ok-soft"),
                  ("warn", "warn-soft"), ("error", "error-soft"), ("primary", "primary-soft"),
                  ("muted", "neutral-soft"), ("error", "surface"), ("text", "warn-soft")]
    for fg, bg in text_pairs:
        assert contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg, round(contrast(colours[fg], colours[bg]), 2))
    for bg in ("surface", "bg"):  # the focus ring is not text: 3:1 is the bar (WCAG 1.4.11)
        assert contrast(colours["focus"], colours[bg]) >= 3
